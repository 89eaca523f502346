/* The site's search: top answers ranked when the site was built (pagefind/answers/, see
   generator/site/top_answers.py) for a query of one word, and Pagefind's chunked index
   (pagefind/, written by the build from the model) for the rest, behind Material's search box,
   with facets, keyboard use and highlighting on the target page.

   Speed: a one-word query costs one small fetch, whatever the size of the playbook. For the
   rest the page preloads pagefind.js (main.html); this module starts Pagefind when the page has
   loaded and the browser is idle. Pagefind runs in its worker: ranking a word that most pages
   hold takes it 0.4 s at 10,000 entries, which on the page's own thread held up every
   keystroke typed meanwhile. Facet counts need every filter file, so they are fetched only
   when the reader opens the filters. */

const SHOWN = 10;
const MIN_QUERY = 2;
/* One letter matches nearly every entry: ranking them all costs the most and tells the reader
   nothing, and would hold up the search for the second letter. */
const MIN_PREFIX = 3;
/* Shorter words are searched as whole words ("PM", "UX"), not as the start of longer ones:
   two letters begin so many words that ranking their pages took 0.7 s at 10,000 entries. */
const WARM_UP_AFTER = 500;  // milliseconds after the page's load event
const PAUSE = 300;  // milliseconds without a keystroke: the reader has stopped typing
const REVIEW_STATES = [
  ["overdue", "Overdue"], ["due-soon", "Due soon"], ["current", "Current"],
  ["never", "Never reviewed"],
];

/* The site's root, from this module's own address (assets/javascripts/): the theme's
   __config, which also says it, comes at the end of the page, and this module may run
   before the page has got that far. */
const base = new URL("../../", import.meta.url);

function whenParsed(callback) {
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", callback, { once: true });
  } else {
    callback();
  }
}

/* --- top answers: one word, no filters -------------------------------------------------- */

const ANSWERS = new URL("pagefind/answers/", base);
/* Letters of scripts written without spaces (Thai, Lao, Myanmar, Khmer, kana, Han): their runs
   are phrases, not words, so the top answers hold none (UNSPACED in top_answers.py). */
const UNSPACED = /[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{3134f}]/u;
const answerFiles = new Map();

/* A file of the top answers, fetched once. */
function answerFile(name) {
  if (!answerFiles.has(name)) {
    const loading = fetch(new URL(`${name}.json`, ANSWERS)).then((response) => {
      if (!response.ok) throw new Error(`${name}.json: ${response.status}`);
      return response.json();
    });
    loading.catch(() => answerFiles.delete(name));  // a failed fetch is tried again
    answerFiles.set(name, loading);
  }
  return answerFiles.get(name);
}

/* The count and best pages for a one-word query, as Pagefind's results read (an excerpt of
   null: the summary is shown); null when the top answers cannot answer it. */
async function topAnswers(query) {
  const key = query.toLowerCase();
  if (!/^[\p{L}\p{N}]+$/u.test(key) || UNSPACED.test(key)) return null;
  try {
    const { files } = await answerFile("files");
    const file = await answerFile(String(fileOf(key, files)));
    if (!Object.hasOwn(file.keys, key)) {
      // Every two-letter word and stem is a key: one that is not is in no entry. A longer
      // word may be one no entry's word begins, or longer than the keys go.
      return Array.from(key).length < MIN_PREFIX ? { count: 0, pages: [] } : null;
    }
    const [count, best] = file.keys[key];
    const pages = best.map((n) => {
      const [url, title, kind, summary] = file.entries[n];
      return { url: new URL(url.slice(1), base).href, meta: { title, kind, summary }, excerpt: null };
    });
    return { count, pages };
  } catch {
    return null;  // Pagefind answers instead, or says why it cannot
  }
}

/* The number of the file a key is in: FNV-1a (32 bits) of its first four characters' UTF-8,
   as generator/site/top_answers.py writes them. */
function fileOf(key, files) {
  let hashed = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(Array.from(key).slice(0, 4).join(""))) {
    hashed = Math.imul(hashed ^ byte, 0x01000193) >>> 0;
  }
  return hashed % files;
}

/* --- Pagefind ------------------------------------------------------------------------- */

function load() {
  pagefind ??= import(new URL("pagefind/pagefind.js", base).href).then(async (module) => {
    const instance = module.createInstance({ basePath: new URL("pagefind/", base).href });
    await instance.options({ baseUrl: base.pathname, excerptLength: 28 });
    await instance.init();
    return instance;
  });
  // A load that failed (the reader left the page, the network dropped) is tried again on use.
  pagefind.catch(() => { pagefind = null; });
  return pagefind;
}

async function facetList() {
  const response = await fetch(new URL("assets/search-facets.json", base));
  if (!response.ok) throw new Error(`search-facets.json: ${response.status}`);
  return response.json();
}

function warmUp() {
  load().catch(() => {});  // the search reports a failure when the reader uses it
}

/* --- highlighting the searched words on the page a result opened (?h=...) ------------- */

function highlightTerms() {
  const terms = (new URLSearchParams(location.search).get("h") || "")
    .split(/\s+/).map((t) => t.trim()).filter((t) => t.length > 1);
  const article = document.querySelector("article.md-content__inner");
  const config = JSON.parse(document.getElementById("__config")?.textContent || "{}");
  if (!terms.length || !article || !(config.features || []).includes("search.highlight")) return;
  const pattern = new RegExp(terms.map(escapeRegExp).join("|"), "gi");
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT, {
    acceptNode: (node) => node.parentElement.closest("script, style, mark, .headerlink")
      ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const text of texts) {
    const parts = markedNodes(text.nodeValue, pattern);
    if (parts.length === 1) continue;  // nothing in it matched
    for (const mark of parts.filter((part) => typeof part !== "string")) {
      mark.setAttribute("data-md-highlight", "");
    }
    text.replaceWith(...parts);
  }
}

/* A text as strings and <mark> elements around what a global pattern matches. */
function markedNodes(value, pattern) {
  const nodes = [];
  let last = 0;
  for (const match of value.matchAll(pattern)) {
    nodes.push(value.slice(last, match.index));
    const mark = document.createElement("mark");
    mark.textContent = match[0];
    nodes.push(mark);
    last = match.index + match[0].length;
  }
  nodes.push(value.slice(last));
  return nodes;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/* --- the search box ------------------------------------------------------------------- */

function setUp(box) {
  const toggle = document.getElementById("__search");
  const form = box.querySelector("form");
  const input = box.querySelector("input.md-search__input");
  const meta = box.querySelector(".md-search-result__meta");
  const list = box.querySelector(".md-search-result__list");
  const facets = box.querySelector(".playbook-facets");
  const fields = facets.querySelector(".playbook-facets__fields");
  const selects = {};
  let facetsLoaded = null;
  let asked = 0;

  function open() {
    if (toggle && !toggle.checked) toggle.checked = true;
    input.setAttribute("aria-expanded", "true");
  }

  function close() {
    if (toggle) toggle.checked = false;
    input.setAttribute("aria-expanded", "false");
    input.blur();
  }

  /* Facets: one select per filter, built on first opening, with counts per value. Which
     filters there are, and their labels, the build writes from the schemas. */
  function loadFacets() {
    facetsLoaded ??= Promise.all([load(), facetList()]).then(async ([instance, facetNames]) => {
      const totals = await instance.filters();
      for (const [name, label] of facetNames) {
        const select = document.createElement("select");
        select.name = name;
        select.setAttribute("aria-label", label);
        select.dataset.facet = name;
        const any = new Option(`${label}: any`, "");
        select.append(any);
        const values = name === "review" ? REVIEW_STATES.map(([v]) => v)
          : Object.keys(totals[name] || {}).sort((a, b) => a.localeCompare(b));
        for (const value of values) {
          const text = name === "review" ? REVIEW_STATES.find(([v]) => v === value)[1] : value;
          const option = new Option(text, value);
          option.dataset.label = text;
          select.append(option);
        }
        const field = document.createElement("label");
        field.className = "playbook-facets__field";
        field.append(select);
        fields.append(field);
        selects[name] = select;
        select.addEventListener("change", search);
      }
      showCounts(totals);
      answered = null;  // the counts for what the box holds
      search();
    });
    facetsLoaded.catch(() => {
      facetsLoaded = null;  // opened again, they are tried again
      facets.open = false;
    });
    return facetsLoaded;
  }

  facets.addEventListener("toggle", () => { if (facets.open) loadFacets(); });

  function chosenFilters(totals) {
    const filters = {};
    for (const [name, select] of Object.entries(selects)) {
      if (!select.value) continue;
      filters[name] = name === "review"
        ? { any: Object.keys(totals.review || {}).filter((v) => reviewState(v) === select.value) }
        : select.value;
    }
    return filters;
  }

  /* Counts: what each value would leave given the query and the other facets. A chosen
     facet's own counts come from the same search without it (from the index files already
     loaded, so no request), or its values could not be seen beside the one chosen. */
  async function facetCounts(instance, query, filters, found, totals) {
    const counts = { ...(found.filters || {}) };
    for (const name of Object.keys(filters)) {
      const others = { ...filters };
      delete others[name];
      const without = query || Object.keys(others).length
        ? await find(instance, query, others) : { filters: totals };
      counts[name] = without?.filters?.[name] || {};
    }
    return counts;
  }

  /* A query, or browsing by facet in title order. Pagefind reads `{any: []}` (a review
     state no entry is in) as no filter at all: that choice leaves nothing. */
  function find(instance, query, filters) {
    if (Object.values(filters).some((f) => Array.isArray(f.any) && !f.any.length)) {
      return { results: [], filters: {} };
    }
    const key = JSON.stringify([query, filters]);
    if (!recent.has(key)) {
      const searched = query ? instance.search(asWords(query), { filters })
        : instance.search(null, { filters, sort: { title: "asc" } });
      recent.set(key, searched.then((found) => {
        if (found === null) recent.delete(key);  // not answered: asked again next time
        return found;
      }));
      if (recent.size > RECENT) recent.delete(recent.keys().next().value);
    }
    return recent.get(key);
  }
  /* The last searches, by query and filters: choosing a facet after a query needs the counts
     without it, which is the search just shown (ranking 7,000 pages takes 0.2 s). */
  const recent = new Map();
  const RECENT = 8;

  function showCounts(counts) {
    for (const [name, select] of Object.entries(selects)) {
      const own = counts[name] || {};
      const review = {};
      if (name === "review") {
        for (const [value, count] of Object.entries(own)) {
          const state = reviewState(value);
          review[state] = (review[state] || 0) + count;
        }
      }
      for (const option of select.options) {
        if (!option.value) continue;
        const count = (name === "review" ? review : own)[option.value] || 0;
        option.textContent = `${option.dataset.label} (${count})`;
      }
    }
  }

  /* What the box asks for: what it holds, or nothing while that is too short to search. */
  function boxQuery() {
    const typed = input.value.trim();
    return typed.length < MIN_QUERY ? "" : typed;
  }

  /* A one-word query is answered from the top answers at once, beside a Pagefind search that
     may be running (its answer, no longer wanted, is dropped). Pagefind searches run one at a
     time, for what the box holds when each starts: keystrokes typed meanwhile (or while
     Pagefind loads) make one more search, not one each. */
  function search() {
    box.dataset.state = "searching";
    clearTimeout(pause);
    const query = boxQuery();
    if (facetsLoaded) return askPagefind(query);  // with the filters open, Pagefind counts
    const mine = ++asked;
    return (query ? topAnswers(query) : Promise.resolve(PROMPT)).then((top) => {
      if (mine !== asked) return undefined;
      if (!top) return askPagefind(query);
      const key = JSON.stringify([query, {}]);
      if (key !== answered) {
        answered = key;
        showResults(top.count, exactFirst(top.pages, query), query);
      }
      if (!running) box.dataset.state = "done";
      return undefined;
    });
  }
  const PROMPT = { count: null, pages: [] };  // no query: nothing to search for yet

  /* Pagefind, at once; or, when the last of several words is a letter or two (the reader is
     still typing it), once they pause: such a start matches nearly every page, and ranking
     them took 1 to 1.5 s at 10,000 entries, which the next search would wait for. */
  let pause = null;
  function askPagefind(query) {
    if (!stillTyping(query)) return searchPagefind();
    pause = setTimeout(searchPagefind, PAUSE);
    return undefined;
  }

  let running = null;
  let again = false;
  function searchPagefind() {
    if (running) {
      again = true;
      return running;
    }
    running = runSearch().catch(() => {
      answered = null;
      list.replaceChildren();
      meta.textContent = "Search is not available: the search index could not be loaded";
    }).finally(() => {
      running = null;
      if (again) {
        again = false;
        search();
      } else {
        box.dataset.state = "done";  // what the box shows answers what it holds
      }
    });
    return running;
  }

  let answered = null;
  async function runSearch() {
    const mine = ++asked;
    const instance = await load();
    const query = boxQuery();
    const totals = facetsLoaded ? await instance.filters() : {};
    if (mine !== asked) return;  // a search asked for since answers instead
    const filters = chosenFilters(totals);
    const key = JSON.stringify([query, filters]);
    if (key === answered) return;  // keystrokes that changed nothing, or came back to it
    answered = key;
    if (!query && !Object.keys(filters).length) {
      showResults(null, [], query);
      if (facetsLoaded) showCounts(totals);
      return;
    }
    const found = await find(instance, query, filters);
    if (found === null) answered = null;  // Pagefind gave up on it: not answered
    if (mine !== asked || found === null) return;
    const pages = exactFirst(
      await Promise.all(found.results.slice(0, SHOWN).map((r) => r.data())), query,
    );
    if (mine !== asked) return;
    showResults(found.results.length, pages, query);
    if (facetsLoaded) showCounts(await facetCounts(instance, query, filters, found, totals));
  }

  function showResults(count, pages, query) {
    meta.textContent = count === null ? "Type to start searching"
      : count === 0 ? "No matching documents"
      : count === 1 ? "1 matching document" : `${count} matching documents`;
    list.replaceChildren(...pages.map((page) => resultItem(page, query)));
  }

  /* Pagefind stems words and boosts every title that holds the query's stems alike, so
     "Product manager" ranks the team "Product management" (a short page) above the role of
     that name. An entry whose title is what the reader typed comes first. */
  function exactFirst(pages, query) {
    const wanted = words(query);
    if (!wanted) return pages;
    const exact = pages.filter((page) => words(page.meta.title || "") === wanted);
    return [...exact, ...pages.filter((page) => !exact.includes(page))];
  }

  function resultItem(page, query) {
    const item = document.createElement("li");
    item.className = "md-search-result__item";
    const link = document.createElement("a");
    const target = new URL(page.url, location.href);
    if (query) target.searchParams.set("h", query);
    link.href = target.href;
    link.className = "md-search-result__link";
    link.tabIndex = -1;
    link.setAttribute("role", "option");
    const article = document.createElement("article");
    article.className = "md-search-result__article md-typeset";
    const title = document.createElement("h1");
    title.textContent = page.meta.title || page.url;
    const kind = document.createElement("span");
    kind.className = "playbook-search__kind";
    kind.textContent = page.meta.kind || "";
    const text = document.createElement("p");
    if (!query) text.textContent = page.meta.summary || "";
    else if (page.excerpt === null) text.append(...markedSummary(page.meta.summary || "", query));
    else text.append(...excerptNodes(page.excerpt));
    article.append(kind, title, text);
    link.append(article);
    item.append(link);
    return item;
  }

  /* Pagefind's excerpt is escaped text with <mark> around the matches: only the marks become
     elements; everything else is shown as text. */
  function excerptNodes(excerpt) {
    const decoder = document.createElement("textarea");  // reads entities, makes no elements
    const decode = (html) => { decoder.innerHTML = html; return decoder.value; };
    return (excerpt || "").split(/(<mark>.*?<\/mark>)/).map((part) => {
      const marked = /^<mark>(.*)<\/mark>$/.exec(part);
      if (!marked) return decode(part);
      const mark = document.createElement("mark");
      mark.textContent = decode(marked[1]);
      return mark;
    });
  }

  /* A top answer's summary, with the words the query starts (or, two letters, is) marked. */
  function markedSummary(summary, query) {
    const end = query.length < MIN_PREFIX ? "(?![\\p{L}\\p{N}])" : "[\\p{L}\\p{N}]*";
    return markedNodes(
      summary, new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(query)}${end}`, "giu"),
    );
  }

  /* Keyboard: / or s or f to search (as Material has it), arrows through the results, Enter
     to open one, Escape to close. */
  function links() { return [...list.querySelectorAll("a.md-search-result__link")]; }

  function select(index) {
    const all = links();
    all.forEach((a, i) => a.setAttribute("aria-selected", String(i === index)));
    if (all[index]) all[index].focus();
  }

  document.addEventListener("keydown", (event) => {
    const typing = event.target instanceof HTMLElement
      && (event.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName));
    if (!typing && !event.ctrlKey && !event.metaKey && !event.altKey
      && ["/", "s", "f"].includes(event.key)) {
      event.preventDefault();
      input.focus();
      return;
    }
    if (!box.contains(event.target)) return;
    const all = links();
    const at = all.indexOf(document.activeElement);
    if (event.key === "Escape") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowDown" && all.length) {
      event.preventDefault();
      select(Math.min(at + 1, all.length - 1));
    } else if (event.key === "ArrowUp" && at >= 0) {
      event.preventDefault();
      if (at === 0) input.focus(); else select(at - 1);
    }
  });

  /* A search asked for by address (`?q=`, as the theme's search has it: the 404 page's form
     sends readers there): the box opens with it. */
  if (requested) {
    input.value = requested;
    open();
    search();
  }

  input.addEventListener("focus", open);
  input.addEventListener("input", search);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const first = links()[0];
    if (first) first.click();
  });
  form.addEventListener("reset", () => { setTimeout(search); });
}

/* The query Pagefind is given: a lone short word in quotes (matched whole), else as typed. */
function asWords(query) {
  return query.length < MIN_PREFIX && /^[\p{L}\p{N}]+$/u.test(query) ? `"${query}"` : query;
}

/* Whether the query's last word is a start too short to search, after other words. */
function stillTyping(query) {
  const last = query.split(/\s+/).at(-1);
  return last !== query && Array.from(last).length < MIN_PREFIX;
}

/* A text as its words, for comparing titles: case, punctuation and spacing aside. */
function words(text) {
  return text.toLocaleLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean).join(" ");
}

/* A review value is "soon/due" (ISO dates) or "never"; the state is the reader's day's. */
function reviewState(value) {
  if (value === "never") return "never";
  const [soon, due] = value.split("/");
  const now = new Date();
  const today = [now.getFullYear(), now.getMonth() + 1, now.getDate()]
    .map((n, i) => String(n).padStart(i ? 2 : 4, "0")).join("-");
  if (today >= due) return "overdue";
  if (today >= soon) return "due-soon";
  return "current";
}

/* Loaded as an async module from the page's head; the box and the highlighting wait for the
   document. Last in the module, so that everything above is defined when the document is
   already parsed. */
let pagefind = null;
if (document.querySelector("link[rel=modulepreload][href$='pagefind/pagefind.js']")) {
  // Pagefind starts a moment after the page has loaded, when the browser is idle: not beside
  // the page's own scripts or a first one-word query, and ready before a second word is typed.
  const later = () => setTimeout(() => requestIdleCallback(warmUp), WARM_UP_AFTER);
  if (document.readyState === "complete") later(); else addEventListener("load", later);
}
// What the first query needs before its own file (preloaded with the page), and for a query in
// the address (the box opens with it) its own file too, asked for while the document is still
// being parsed.
answerFile("files").catch(() => {});
const requested = new URLSearchParams(location.search).get("q");
if (requested?.trim()) topAnswers(requested.trim());
whenParsed(() => {
  highlightTerms();
  const box = document.querySelector("[data-playbook-search]");
  if (box) setUp(box);
});
