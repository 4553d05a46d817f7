/* The day page's tools: sort, filter by tag, expand or collapse every paper's summary.
   The page is complete without this script: the tools stay hidden and every row shows. */
(function () {
  "use strict";
  var list = document.getElementById("daylist");
  var tools = document.getElementById("day-tools");
  if (!list || !tools) return;
  var rows = Array.prototype.slice.call(list.children);
  var sort = document.getElementById("day-sort");
  var tag = document.getElementById("day-tag");
  var expand = document.getElementById("day-expand");
  var shown = document.getElementById("day-shown");
  tools.hidden = false;

  // Everything the tools need comes from the rows themselves, nothing is repeated in the
  // HTML: each row's rank from its id ("p3"), sort title from its heading, upvotes from its
  // meta line ("▲ 12"; -1 when none), and its tags from its chips (the ones after the
  // badges, the rest under its summary): a tag with a page is keyed by the page's name, one
  // without by its label. The filter's choices: every tag of the day, busiest first.
  var counts = {}, labels = {}, tagsOf = [];
  rows.forEach(function (row, n) {
    var keys = [];
    Array.prototype.forEach.call(row.querySelectorAll("ul.badges li, ul.tags li"), function (li) {
      if (li.querySelector(".badge")) return;
      var link = li.querySelector("a"), label = li.textContent.trim();
      var k = link ? link.getAttribute("href").replace(/^.*\//, "").replace(/\.html$/, "") : label;
      if (!k || keys.indexOf(k) >= 0) return;
      keys.push(k);
      counts[k] = (counts[k] || 0) + 1;
      if (!(k in labels)) labels[k] = label;
    });
    tagsOf[n] = keys;
    row.setAttribute("data-tags", keys.join("|"));
    row.setAttribute("data-rank", row.id.slice(1));
    if (!row.hasAttribute("data-upvotes")) {
      var meta = row.querySelector("p.meta"), up = meta && /\u25B2 (\d+)/.exec(meta.textContent);
      row.setAttribute("data-upvotes", up ? up[1] : "-1");
    }
    if (!row.hasAttribute("data-title")) {
      var link = row.querySelector("h2 a");
      row.setAttribute("data-title", link ? link.textContent.toLowerCase() : "");
    }
  });
  Object.keys(counts).sort(function (a, b) {
    if (counts[a] !== counts[b]) return counts[b] - counts[a];
    var la = labels[a].toLowerCase(), lb = labels[b].toLowerCase();
    return la < lb ? -1 : la > lb ? 1 : 0;
  }).forEach(function (k) {
    var option = document.createElement("option");
    option.value = k;
    option.textContent = labels[k] + " (" + counts[k] + ")";
    tag.appendChild(option);
  });

  function key(row, by) {
    if (by === "upvotes") return -parseInt(row.getAttribute("data-upvotes"), 10);
    if (by === "title") return row.getAttribute("data-title");
    return parseInt(row.getAttribute("data-rank"), 10);
  }

  function apply() {
    var by = sort.value, wanted = tag.value, count = 0;
    var sorted = rows.slice().sort(function (a, b) {
      var ka = key(a, by), kb = key(b, by);
      if (ka < kb) return -1;
      if (ka > kb) return 1;
      return key(a, "rank") - key(b, "rank");
    });
    sorted.forEach(function (row) {
      row.hidden = !!wanted && tagsOf[rows.indexOf(row)].indexOf(wanted) < 0;
      if (!row.hidden) count++;
      list.appendChild(row);
    });
    shown.textContent = wanted ? count + " of " + rows.length + " papers shown" : "";
  }

  function setAll(open) {
    rows.forEach(function (row) {
      var d = row.querySelector("details");
      if (d) d.open = open;
    });
    expand.setAttribute("aria-pressed", open ? "true" : "false");
    expand.textContent = open ? "Collapse all" : "Expand all";
  }

  rows.forEach(function (row) {
    var d = row.querySelector("details");
    if (d) d.addEventListener("toggle", function () { row.classList.toggle("open", d.open); });
  });
  sort.addEventListener("change", apply);
  tag.addEventListener("change", apply);
  expand.addEventListener("click", function () {
    setAll(expand.getAttribute("aria-pressed") !== "true");
  });
  var params = new URLSearchParams(location.search);
  if (params.get("sort")) sort.value = params.get("sort");
  if (params.get("tag")) tag.value = params.get("tag");
  if (sort.value !== "rank" || tag.value) apply();
})();
