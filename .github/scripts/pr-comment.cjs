// Keeps one comment per pull request up to date: finds the comment that carries MARKER and
// edits it, or creates it the first time. Used by workflows/validate.yml via actions/github-script.

const MARKER = "<!-- playbook-diff -->";
// GitHub refuses comment bodies over 65,536 characters.
const MAX_BODY = 65536;

function commentBody(text, marker = MARKER) {
  const note = "\n\n… (cut short: the full description is in the workflow run's summary)";
  let body = `${marker}\n${text.trim() || "This change does not touch any playbook entry."}\n`;
  if (body.length > MAX_BODY) {
    body = body.slice(0, MAX_BODY - note.length) + note;
  }
  return body;
}

async function upsertComment({ github, context, body, marker = MARKER }) {
  const issue = {
    owner: context.repo.owner,
    repo: context.repo.repo,
    issue_number: context.issue.number,
  };
  const comments = await github.paginate(github.rest.issues.listComments, issue);
  const previous = comments.find(
    (comment) => comment.user && comment.user.type === "Bot" && (comment.body || "").includes(marker),
  );
  const text = commentBody(body, marker);
  if (previous) {
    await github.rest.issues.updateComment({
      owner: issue.owner,
      repo: issue.repo,
      comment_id: previous.id,
      body: text,
    });
    return { action: "updated", id: previous.id };
  }
  const created = await github.rest.issues.createComment({ ...issue, body: text });
  return { action: "created", id: created.data.id };
}

module.exports = { MARKER, MAX_BODY, commentBody, upsertComment };
