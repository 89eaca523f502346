"""Teams: who maintains each entry, found from the handles in its `owners`. Pure."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from generator.model import Entity, Playbook


@dataclass(frozen=True, slots=True)
class Owner:
    """One handle of an entry's `owners`, and the team it names if there is one."""

    handle: str
    team: Entity | None


def teams_by_handle(playbook: Playbook) -> dict[str, Entity]:
    """Give handle -> team; the first team by id wins when two share a handle."""
    found: dict[str, Entity] = {}
    for team in playbook.teams():
        handle = playbook.handle_of(team)
        if handle is not None:
            found.setdefault(handle.casefold(), team)
    return found


def team_named(teams: Mapping[str, Entity], name: str) -> Entity | None:
    """Give the team a handle names (git hosts ignore case in handles)."""
    return teams.get(name.casefold())


def owners_of(entity: Entity, teams: Mapping[str, Entity]) -> tuple[Owner, ...]:
    """Give the entry's owners, each with its team (None when the handle is no team's)."""
    return tuple(Owner(str(h), team_named(teams, str(h))) for h in entity.owners)


def owned_by(playbook: Playbook, teams: Mapping[str, Entity]) -> dict[str, list[Entity]]:
    """Give team key -> the entries whose `owners` name it, in catalogue order."""
    owned: dict[str, list[Entity]] = {team.key: [] for team in teams.values()}
    for entity in playbook:
        for owner in owners_of(entity, teams):
            if owner.team is not None and entity.key not in {e.key for e in owned[owner.team.key]}:
                owned[owner.team.key].append(entity)
    return owned


def unclaimed_handle(playbook: Playbook) -> str | None:
    """Give the handle entries name most often in `owners` that is no team's, if there is one."""
    teams = teams_by_handle(playbook)
    counts = Counter(
        h for e in playbook for h in e.owners if isinstance(h, str) and team_named(teams, h) is None
    )
    return min(counts, key=lambda h: (-counts[h], h)) if counts else None
