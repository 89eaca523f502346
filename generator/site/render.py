"""Render the validated playbook into a Markdown tree: {relative path: text}. Writes nothing."""

from __future__ import annotations

import functools
import json
import re
import string
import traceback
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin

import yaml
from jinja2 import (
    Environment,
    StrictUndefined,
    Template,
    TemplateError,
    TemplateNotFound,
    TemplateSyntaxError,
    select_autoescape,
)
from markupsafe import Markup, escape

from generator.errors import ConfigError
from generator.files import read_regular
from generator.export import export_model
from generator.history.digest import changelog_view
from generator.history.feed import atom_feed
from generator.model import Entity, History, Playbook, entity_key
from generator.teams import teams_by_handle
from generator.validation import Validation
from generator.site import forked, paths, sanitize
from generator.site.context import (
    SiteIndex,
    backlink_groups,
    build_index,
    entity_by_key,
    field_views,
    forward_links,
    not_shown,
)
from generator.content.raci import LETTERS, RaciShape
from generator.site.duties import (
    MATRIX_SUMMARY,
    MATRIX_TITLE,
    DutyGroup,
    matrix_table,
    names_the_matrix,
    page_shapes,
    part_links,
    role_duties,
    step_anchor,
)
from generator.site.downloads import Download, template_download
from generator.site.links import rewrite_links
from generator.site.loader import COMPILED, RegularFileLoader
from generator.site.mermaid import flowchart
from generator.site.reference import field_docs, shared_field_docs
from generator.site.review import SiteHealth, contacts, review_view, site_health
from generator.site.search import facets_json
from generator.content.yamlquote import yaml_quote
from generator.markdown_text import code_span, first_date, literal, table_cell

DEFAULT_SITE_NAME = "Product Operations Playbook"
PAGE_TEMPLATES = "pages"
ASSET_TEMPLATES = "assets"


@dataclass(frozen=True, slots=True)
class SiteSettings:
    """What rendering needs besides the content: where templates are, names and edit links."""

    template_dir: Path
    site_name: str = DEFAULT_SITE_NAME
    repo_url: str | None = None
    edit_uri: str | None = None
    """Joined to `repo_url`, then the source path: `edit/main/` -> `<repo>/edit/main/playbook/…`."""
    edit_uri_template: str | None = None
    """Alternative to `edit_uri`: `{path}` is replaced by the source path."""
    site_url: str | None = None
    """The published address; the Atom feed needs it for absolute ids and is left out without it."""
    due_soon_days: int = 30
    """Days before a review is due from which pages call it due soon (`[tool.playbook.health]`)."""

    def __post_init__(self) -> None:
        if self.edit_uri_template:
            try:
                _EDIT_URI.format(self.edit_uri_template, path="", path_noext="")
            except (KeyError, IndexError, AttributeError, ValueError, TypeError) as error:
                raise ConfigError(
                    f"edit_uri_template {self.edit_uri_template!r} in mkdocs.yml cannot be "
                    f"filled in ({type(error).__name__}: {error}); it may use {{path}}, "
                    "{path_noext} and {path!q}"
                ) from error

    def edit_url(self, source: str) -> str | None:
        """Give the address that edits a source file on the git host, if one is configured."""
        if self.edit_uri_template:
            noext = source.rsplit(".", 1)[0]
            path = _EDIT_URI.format(self.edit_uri_template, path=source, path_noext=noext)
            return urljoin(_dir(self.repo_url), path)
        if self.edit_uri is not None and (self.repo_url or "://" in self.edit_uri):
            return urljoin(_dir(self.repo_url), _dir(self.edit_uri)) + source
        return None


class _EditUriFormatter(string.Formatter):
    """Fills in edit_uri_template as MkDocs does: `!q` quotes a value for a URL."""

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        return quote(value, safe="") if conversion == "q" else super().convert_field(value, conversion)


_EDIT_URI = _EditUriFormatter()


def _dir(url: str | None) -> str:
    return "" if not url else url if url.endswith("/") else url + "/"


@dataclass(frozen=True, slots=True)
class PageTools:
    """Helpers bound to one page: links relative to it, Markdown from content made safe."""

    path: str
    playbook: Playbook
    index: SiteIndex

    def url(self, target: str, anchor: str = "") -> Markup:
        """Give the relative link from this page to another generated file."""
        return Markup(paths.relative_url(self.path, target, anchor))

    def link(self, key: str, text: str | None = None) -> Markup:
        """Give a Markdown link to an entity's page, or its key as plain text if it is gone."""
        entity = entity_by_key(self.playbook, key)
        label = text if text is not None else (entity.title if entity else key)
        if entity is None:
            return inline(label)
        target = paths.entity_page(entity.kind, entity.id)
        return Markup(f"[{inline(label)}]({paths.relative_url(self.path, target)})")

    def ref(self, ref_kind: str | None, value: str) -> Markup:
        """Give a link for a reference field's value: an `id`, or a `kind/id` if any kind goes."""
        return self.link(value if ref_kind in (None, "*") else entity_key(ref_kind, value))

    def external(self, url: str) -> Markup:
        """Give an https address as a link to itself; anything else as plain text."""
        if not url.startswith("https://") or any(c.isspace() for c in url):
            return Markup(inline(url))
        return Markup(f"[{inline(url)}]({quote(url, safe=_URL_SAFE)})")

    def md(self, text: str, origin: Entity) -> Markup:
        """Give Markdown from `origin`'s content with its links aimed at pages, made safe."""
        rewritten = rewrite_links(text, origin.source.path, self.path, self.index.pages_by_source)
        return Markup(sanitize.safe_markdown(rewritten).strip("\n"))


_URL_SAFE = "/:?#&=%@+~!$*,;-._"
"""Characters kept as they are in an external link; brackets, quotes and spaces are encoded."""


@functools.lru_cache(maxsize=1 << 14)
def inline(text: str) -> Markup:
    """Give plain text as inline Markdown showing exactly that text: syntax and HTML escaped.

    Cached: titles, role names and dates are printed on many pages.
    """
    return Markup(literal(text))


def html_text(text: Any) -> Markup:
    """Give text for a raw HTML block, where Markdown is not read: HTML escaping only."""
    return _html_line(str(text))


@functools.lru_cache(maxsize=1 << 14)
def _html_line(text: str) -> Markup:
    return escape(" ".join(text.split()))


def _finalize(value: Any) -> Any:
    """Make every plain value printed by a template show as text, never as Markdown syntax."""
    if isinstance(value, Markup) or value is None:
        return "" if value is None else value
    if isinstance(value, str):
        return inline(value)
    return value


def template_environment(template_dir: Path) -> Environment:
    """Give the Jinja2 environment: autoescape on, undefined names fail, plain text escaped."""
    if not (template_dir / PAGE_TEMPLATES).is_dir():
        raise ConfigError(f"no page templates at {template_dir / PAGE_TEMPLATES}")
    env = Environment(
        loader=RegularFileLoader(template_dir / PAGE_TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        finalize=_finalize,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        bytecode_cache=COMPILED,
    )
    env.filters["yaml"] = lambda text: Markup(yaml_quote(str(text)))
    env.filters["cell"] = lambda markdown: Markup(table_cell(str(markdown)))
    env.filters["html"] = html_text
    env.filters["code"] = lambda text: Markup(code_span(str(text)))
    env.filters["date"] = first_date
    env.filters["label"] = lambda text: str(text).replace("-", " ").replace("_", " ").capitalize()
    env.filters["schema_md"] = lambda text: Markup(sanitize.safe_markdown(str(text)))
    env.globals["front_matter"] = front_matter
    env.globals["backlink_groups"] = backlink_groups
    env.globals["contact_links"] = contact_links
    return env


def contact_links(team: Entity) -> Markup:
    """Give the ways to reach a team as Markdown: links where they open, text otherwise."""
    return Markup(", ").join(
        Markup(f"[{inline(c.label)}]({c.url})") if c.url else inline(c.label)
        for c in contacts(team)
    )


def front_matter(
    title: str,
    description: str = "",
    edit_url: str | None = None,
    boost: float | None = None,
    exclude: bool = False,
    hide: tuple[str, ...] = (),
    feed: str | None = None,
) -> Markup:
    """Give a page's YAML front matter: title, meta description, edit link, search tuning and
    the feed the page announces (`overrides/main.html` links it in the page's head).

    Title and description are HTML-escaped here because themes print them into `<title>` and a
    `<meta>` attribute without escaping: a quote or `</title>` in content must stay text.
    """
    lines = ["---", f"title: {yaml_quote(html_text(title))}"]
    if description:
        lines.append(f"description: {yaml_quote(html_text(description))}")
    if edit_url:
        lines.append(f"edit_url: {yaml_quote(edit_url)}")
    if hide:  # Material's own: `toc` gives a wide table the sidebar's width
        lines += ["hide:", *(f"  - {yaml_quote(part)}" for part in hide)]
    if feed:
        lines.append(f"feed: {yaml_quote(feed)}")
    if exclude:
        lines += ["search:", "  exclude: true"]
    elif boost is not None:
        lines += ["search:", f"  boost: {boost}"]
    return Markup("\n".join([*lines, "---"]) + "\n")


@dataclass(slots=True)
class Tree:
    """The generated files as they are gathered; a path can be given only once."""

    files: dict[str, str] = field(default_factory=dict)

    def add(self, path: str, text: str) -> None:
        if path in self.files:
            raise ValueError(f"two generated files want the path {path}")
        self.files[path] = text


def render_site(validation: Validation, history: History, settings: SiteSettings) -> dict[str, str]:
    """Give every generated file, sorted by path: pages, navigation, model JSON, assets.

    A broken page template is a configuration error, located at its file and line.
    """
    try:
        return _render_tree(validation, history, settings)
    except TemplateError as error:
        raise ConfigError(_template_problem(error, settings.template_dir)) from error


def _template_problem(error: TemplateError, template_dir: Path) -> str:
    """Give where a page template failed, then why."""
    if isinstance(error, TemplateNotFound):
        return f"no page template {error.name} in {template_dir / PAGE_TEMPLATES}"
    if isinstance(error, TemplateSyntaxError) and error.filename:
        where = f"{error.filename}:{error.lineno}"
    else:
        # Jinja gives the frames of template code the template's own file name and line.
        frames = [
            frame
            for frame in traceback.extract_tb(error.__traceback__)
            if Path(frame.filename).is_relative_to(template_dir)
        ]
        where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else str(template_dir)
    return f"{where}: error in page template: {error.message or type(error).__name__}"


Task = tuple[str, Callable[[], str]]
"""A generated file to make: its path and the call that gives its text."""


@dataclass(slots=True)
class _Pages:
    """What the pages read, derived once per build, and how one page is rendered."""

    validation: Validation
    history: History
    settings: SiteSettings
    env: Environment
    index: SiteIndex
    shapes: tuple[RaciShape, ...]
    abbreviations: re.Pattern[str] | None
    health: SiteHealth

    @classmethod
    def derive(cls, validation: Validation, history: History, settings: SiteSettings) -> _Pages:
        index = build_index(validation.playbook, validation.schemas)
        return cls(
            validation=validation,
            history=history,
            settings=settings,
            env=template_environment(settings.template_dir),
            index=index,
            shapes=page_shapes(validation.schemas),
            abbreviations=_abbreviation_pattern(index.abbreviations),
            health=site_health(validation.playbook, settings.due_soon_days),
        )

    @property
    def playbook(self) -> Playbook:
        return self.validation.playbook

    def render(self, path: str, template: str | Template, values: Mapping[str, Any]) -> str:
        tools = PageTools(path, self.playbook, self.index)
        shared = {"site_name": self.settings.site_name, "kinds": self.playbook.kinds}
        text = self.env.get_template(template).render(page=tools, paths=paths, **shared, **values)
        return _with_abbreviations(text, self.index.abbreviations, self.abbreviations)

    def page(self, path: str, template: str, **values: Any) -> Task:
        return path, functools.partial(self.render, path, template, values)


def _render_tree(
    validation: Validation, history: History, settings: SiteSettings
) -> dict[str, str]:
    playbook = validation.playbook
    _check_kind_names(playbook)
    pages = _Pages.derive(validation, history, settings)
    tree = Tree()
    downloads = {
        e.key: template_download(e, pages.index.pages_by_source, settings.site_url)
        for kind, spec in playbook.kinds.items()
        if spec.download
        for e in playbook.of_kind(kind)
    }
    for download in downloads.values():
        tree.add(download.path, download.text)
    tree.add(paths.FACETS_JSON, facets_json(playbook.kinds))
    # Pages are queued, then rendered together on every core (forked.run_all).
    queued = [
        *_catalogue_pages(pages, downloads),
        *_site_pages(pages),
        *_data_files(validation, history, settings),
    ]
    texts = forked.run_all([task for _, task in queued])
    for (path, _), text in zip(queued, texts, strict=True):
        tree.add(path, text)
    tree.add(
        paths.NAV,
        yaml.safe_dump({"nav": navigation(playbook)}, sort_keys=False, allow_unicode=True),
    )
    for path, text in _assets(settings.template_dir / ASSET_TEMPLATES):
        tree.add(path, text)
    return dict(sorted(tree.files.items()))


def _catalogue_pages(pages: _Pages, downloads: Mapping[str, Download]) -> list[Task]:
    """The home page, then each kind's catalogue and its entries' pages."""
    playbook = pages.playbook
    home = pages.page(
        paths.HOME,
        "home.md.j2",
        counts=_counts(playbook),
        start_here=_start_here(playbook),
        matrix_title=MATRIX_TITLE,
        matrix_summary=MATRIX_SUMMARY,
    )
    entity_page = functools.partial(_entity_page, pages, _EntityContext.derive(pages, downloads))
    queued = [home]
    for kind, spec in playbook.kinds.items():
        queued.append(
            pages.page(
                paths.catalogue_page(kind),
                "catalogue.md.j2",
                spec=spec,
                groups=catalogue_groups(playbook, kind),
                alphabetical=spec.catalogue.a_to_z,
            )
        )
        template = pages.env.select_template([f"kinds/{kind}.md.j2", "entity.md.j2"])
        queued += [
            (paths.entity_page(kind, e.id), functools.partial(entity_page, e, template))
            for e in playbook.of_kind(kind)
        ]
    return queued


@dataclass(frozen=True, slots=True)
class _EntityContext:
    """What entry pages read about the playbook as a whole, derived once per build."""

    raci_of_kind: Mapping[str, RaciShape]
    duties: Mapping[str, tuple[DutyGroup, ...]]
    linked_from: Mapping[str, frozenset[str]]
    teams: Mapping[str, Entity]
    downloads: Mapping[str, Download]

    @classmethod
    def derive(cls, pages: _Pages, downloads: Mapping[str, Download]) -> _EntityContext:
        playbook = pages.playbook
        return cls(
            raci_of_kind={shape.kind: shape for shape in pages.shapes},
            duties=role_duties(playbook, pages.shapes),
            linked_from=forward_links(playbook),
            teams=teams_by_handle(playbook),
            downloads=downloads,
        )


def _entity_page(
    pages: _Pages, context: _EntityContext, entity: Entity, template: Template
) -> str:
    playbook, settings = pages.playbook, pages.settings
    spec = playbook.kinds[entity.kind]
    raci = context.raci_of_kind.get(entity.kind)
    review = review_view(entity, playbook, context.teams, settings.due_soon_days, raci)
    part = context.duties.get(entity.key, ())
    shown = {*context.linked_from.get(entity.key, ()), *part_links(part), *review.links}
    values = {
        "entity": entity,
        "spec": spec,
        "fields": field_views(entity, pages.validation.schemas.kinds[entity.kind]),
        "backlinks": not_shown(pages.index.backlinks.get(entity.key, ()), shown),
        "history": pages.history.entities.get(entity.key),
        "edit_url": settings.edit_url(entity.source.path),
        "boost": spec.search_boost,
        "diagram": _diagram(playbook, entity, raci),
        "duties": part,
        "matrix_link": names_the_matrix(entity, playbook.abbreviation_of(entity), pages.shapes),
        "review": review,
        "health": pages.health,
        "download": context.downloads.get(entity.key),
    }
    return pages.render(paths.entity_page(entity.kind, entity.id), template, values)


def _site_pages(pages: _Pages) -> list[Task]:
    """The pages about the whole playbook: the RACI matrix, changelog, tags, health, reference."""
    playbook, validation, settings = pages.playbook, pages.validation, pages.settings
    tables = [
        matrix_table(playbook, shape, group, members)
        for shape in pages.shapes
        for group, members in catalogue_groups(playbook, shape.kind)
    ]
    feed_path = paths.FEED if settings.site_url else None
    kind_schemas = [validation.schemas.kinds[k] for k in playbook.kinds]
    return [
        pages.page(
            paths.RACI,
            "raci.md.j2",
            tables=tables,
            letters=LETTERS,
            title=MATRIX_TITLE,
            summary=MATRIX_SUMMARY,
        ),
        pages.page(
            paths.CHANGELOG,
            "changelog.md.j2",
            changelog=changelog_view(pages.history, settings.repo_url, feed_path),
        ),
        pages.page(paths.TAGS, "tags.md.j2", tags=pages.index.tags),
        pages.page(paths.HEALTH, "health.md.j2", health=pages.health),
        pages.page(
            paths.REFERENCE,
            "reference.md.j2",
            shared_fields=shared_field_docs(kind_schemas),
            reference=[(k, [d for d in field_docs(k) if not d.shared]) for k in kind_schemas],
        ),
    ]


def _data_files(validation: Validation, history: History, settings: SiteSettings) -> list[Task]:
    """The files for tools and the browser: the model, each page's last change, the feed."""
    playbook = validation.playbook
    queued: list[Task] = [
        (paths.MODEL_JSON, functools.partial(_model_json, validation)),
        (paths.UPDATED_JSON, functools.partial(_updated_json, playbook, history)),
    ]
    if settings.site_url:
        feed = functools.partial(
            atom_feed,
            history,
            settings.site_url,
            settings.site_name,
            page_of=functools.partial(_published_page, playbook),
        )
        queued.append((paths.FEED, feed))
    return queued


def _published_page(playbook: Playbook, key: str) -> str | None:
    """Give the address of an entry's page below the site's root, if the entry exists."""
    entity = entity_by_key(playbook, key)
    return paths.page_url(paths.entity_page(entity.kind, entity.id)) if entity else None


def _updated_json(playbook: Playbook, history: History) -> str:
    """Give each entry page's address and the instant it last changed, for lastvisit.js."""
    updated = {}
    for entity in playbook:
        entry = history.entities.get(entity.key)
        if entry is not None and entry.updated:
            updated[paths.page_url(paths.entity_page(entity.kind, entity.id))] = entry.updated
    return json.dumps(dict(sorted(updated.items())), ensure_ascii=False) + "\n"


def _model_json(validation: Validation) -> str:
    # Compact: an indented dump goes through the pure-Python encoder, ten times slower.
    return json.dumps(export_model(validation), ensure_ascii=False) + "\n"


def navigation(playbook: Playbook) -> list[dict[str, str]]:
    """Give the navigation: home, the kind catalogues, then the site-wide pages; no entities."""
    return [
        {"Home": paths.HOME},
        *({spec.plural: paths.catalogue_page(kind)} for kind, spec in playbook.kinds.items()),
        {MATRIX_TITLE: paths.RACI},
        {"Tags": paths.TAGS},
        {"Changelog": paths.CHANGELOG},
        {"Playbook health": paths.HEALTH},
        {"Contributor reference": paths.REFERENCE},
    ]


def _check_kind_names(playbook: Playbook) -> None:
    taken = {
        p.removesuffix(".md")
        for p in (paths.RACI, paths.CHANGELOG, paths.TAGS, paths.REFERENCE, paths.HEALTH)
    }
    clash = sorted(set(playbook.kinds) & (taken | paths.RESERVED_FOLDERS | {"index"}))
    if clash:
        raise ConfigError(
            f"kind folder name(s) {', '.join(clash)} are taken by site pages; rename the kind"
        )


def _counts(playbook: Playbook) -> list[tuple[str, Any, int]]:
    return [
        (kind, spec, len(playbook.entities.get(kind, {}))) for kind, spec in playbook.kinds.items()
    ]


def _start_here(playbook: Playbook) -> list[Entity]:
    """Give the entries the home page starts readers with: each kind's first, by `order`."""
    return [
        entity
        for kind, spec in playbook.kinds.items()
        if spec.start_here
        for entity in sorted(playbook.of_kind(kind), key=_ordered)[: spec.start_here]
    ]


def _ordered(entity: Entity) -> tuple[int, str, str]:
    order = entity.fields.get("order")
    return (order if isinstance(order, int) else 10_000, entity.title.lower(), entity.id)


def _titled(entity: Entity) -> tuple[str, str]:
    return (entity.title.lower(), entity.id)


def catalogue_groups(playbook: Playbook, kind: str) -> list[tuple[str, list[Entity]]]:
    """Give a kind's catalogue as (group, entities), grouped as its schema says
    (`x-playbook.catalogue`): tools by category, processes by their first pillar, the
    glossary A to Z..."""
    entities = playbook.of_kind(kind)
    shape = playbook.kinds[kind].catalogue
    if shape.a_to_z:
        return list(_by_initial(playbook, entities))
    if shape.group_by is None:
        return [("", sorted(entities, key=_ordered))] if entities else []
    if shape.group_kind is not None:
        return _by_first_reference(playbook, entities, shape.group_by, shape.group_kind)
    return _by_value(entities, shape.group_by, dict(shape.labels))


def _by_value(
    entities: list[Entity], field: str, labels: Mapping[str, str]
) -> list[tuple[str, list[Entity]]]:
    groups: dict[str, list[Entity]] = {}
    for entity in entities:
        groups.setdefault(str(entity.fields.get(field, "")), []).append(entity)
    return [
        (labels.get(value) or (value.replace("-", " ").capitalize() if value else "Other"),
         sorted(groups[value], key=_titled))
        for value in sorted(groups)
    ]  # fmt: skip


def _by_first_reference(
    playbook: Playbook, entities: list[Entity], field: str, kind: str
) -> list[tuple[str, list[Entity]]]:
    homes: dict[str, list[Entity]] = {}
    for entity in entities:
        named = entity.fields.get(field, ())
        first = named if isinstance(named, str) else next(iter(named or ()), "")
        homes.setdefault(str(first), []).append(entity)
    groups = [
        (home.title, sorted(homes.pop(home.id), key=_titled))
        for home in sorted(playbook.of_kind(kind), key=_ordered)
        if home.id in homes
    ]
    rest = sorted((e for members in homes.values() for e in members), key=_titled)
    return groups + ([("Other", rest)] if rest else [])


def _by_initial(playbook: Playbook, entities: list[Entity]) -> Iterator[tuple[str, list[Entity]]]:
    """Group entries A to Z by the first letter of their title, then the rest as `Other`."""
    initials: dict[str, list[Entity]] = {}
    for entity in sorted(entities, key=_titled):
        initials.setdefault(initial(entity.title), []).append(entity)
    yield from sorted(initials.items(), key=lambda group: (len(group[0]), group[0]))


def initial(title: str) -> str:
    """Give the letter a title is filed under: `É` under `E`, a digit or sign under `Other`."""
    first = unicodedata.normalize("NFKD", title.strip()[:1])[:1].upper()
    return first if "A" <= first <= "Z" else "Other"



def _diagram(playbook: Playbook, entity: Entity, shape: RaciShape | None) -> Markup | None:
    steps = entity.fields.get(shape.steps) if shape and shape.steps else None
    if shape is None or not isinstance(steps, list) or not steps:
        return None
    drawn = []
    for number, step in enumerate(steps, start=1):
        role_id = str(step.get(shape.step_role, ""))
        role = playbook.get(shape.role_kind, role_id)
        name = str(step.get(shape.step_name, "")) if shape.step_name else str(number)
        drawn.append((name, role.title if role else role_id, step_anchor(number)))
    return Markup(flowchart(entity.title, drawn))


def _abbreviation_pattern(abbreviations: Mapping[str, str]) -> re.Pattern[str] | None:
    if not abbreviations:
        return None
    alternatives = "|".join(re.escape(a) for a in sorted(abbreviations, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])({alternatives})(?![\w-])")


def _with_abbreviations(
    text: str, abbreviations: Mapping[str, str], pattern: re.Pattern[str] | None
) -> str:
    """Give the page with an `*[KPI]: ...` line for each glossary abbreviation it uses."""
    used = sorted(set(pattern.findall(text))) if pattern is not None else []
    if not used:
        return text
    lines = "".join(f"*[{a}]: {abbreviations[a]}\n" for a in used)
    return text.rstrip("\n") + "\n\n" + lines


def _assets(folder: Path) -> Iterator[tuple[str, str]]:
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        if not path.is_dir() and not path.name.startswith("."):
            try:  # never through a link: it could publish any file of the machine
                text = read_regular(path, follow=False).decode("utf-8")
            except OSError as error:
                raise ConfigError(f"{path}: cannot copy the site asset: {error.strerror}") from None
            except UnicodeDecodeError as error:
                raise ConfigError(
                    f"{path}: site assets are copied as UTF-8 text; put images and other "
                    "binary files in the theme's custom_dir (mkdocs.yml)"
                ) from error
            yield f"{paths.ASSETS}/{path.relative_to(folder).as_posix()}", text
