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

  // The tag filter's choices come from the rows themselves (each row's tags, in the order
  // of its data-tags keys: the chips after the badges in the row, the rest under its
  // summary), busiest first; each row's rank from its id ("p3") and sort title from its
  // heading. Nothing is repeated in the HTML.
  var counts = {}, labels = {};
  rows.forEach(function (row) {
    var keys = (row.getAttribute("data-tags") || "").split("|");
    var shownTags = Array.prototype.filter.call(
      row.querySelectorAll("ul.badges li, ul.tags li"),
      function (li) { return !li.querySelector(".badge"); });
    row.setAttribute("data-rank", row.id.slice(1));
    keys.forEach(function (k, i) {
      if (!k) return;
      counts[k] = (counts[k] || 0) + 1;
      if (!(k in labels)) labels[k] = shownTags[i] ? shownTags[i].textContent.trim() : k;
    });
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
      var tags = (row.getAttribute("data-tags") || "").split("|");
      row.hidden = !!wanted && tags.indexOf(wanted) < 0;
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
