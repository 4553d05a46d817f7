/* dailypapers client-side search over the static index in search/ (see render/site_search.py).
   Shards are scripts that call DPS.m/t/d, so this works from static hosting and file://.
   Tokenizing and hashing must match site_search.py exactly. */
(function () {
  "use strict";
  var STOP = new Set(("the of and an in on for to with by is are we this that from as at be its our or it " +
    "into than which these their can has have was were not but also via using based").split(" "));
  var PAGE = 20;
  var loading = {};
  var store = { meta: null, terms: {}, docs: {} };
  window.DPS = {
    m: function (meta) { store.meta = meta; },
    t: function (seg, bucket, terms) { store.terms[seg + "/" + bucket] = terms; },
    d: function (block, records) { store.docs[block] = records; }
  };

  function load(src) {
    if (!loading[src]) {
      loading[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = function () { resolve(); };
        s.onerror = function () { reject(new Error("could not load " + src)); };
        document.head.appendChild(s);
      });
    }
    return loading[src];
  }

  function tokenize(text) {
    var words = text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .match(/[\p{L}\p{N}]+/gu) || [];
    var out = [];
    words.forEach(function (w) {
      if (w.length < 2 || w.length > 40 || STOP.has(w)) return;
      if (w.length > 3 && w[w.length - 1] === "s" && w[w.length - 2] !== "s") w = w.slice(0, -1);
      if (out.indexOf(w) < 0) out.push(w);
    });
    return out;
  }

  var encoder = new TextEncoder();
  function bucket(term, n) {
    var h = 0x811c9dc5;
    encoder.encode(term).forEach(function (b) { h = Math.imul(h ^ b, 0x01000193) >>> 0; });
    return h % n;
  }

  var SCORE = [0, 1, 3, 4, 6, 7, 9, 10]; // title 6 + names 3 + body 1, by field mask

  // An encoded posting list (see site_search.encode_postings) as [local id, mask] pairs.
  function decode(text) {
    var out = [];
    if (text.charAt(0) === "~") {
      var bin = atob(text.slice(1)), size = bin.length / 3;
      for (var local = 0; local < size * 8; local++) {
        var byte = local >> 3, bit = 1 << (local & 7);
        var mask = (bin.charCodeAt(byte) & bit ? 4 : 0) | (bin.charCodeAt(size + byte) & bit ? 2 : 0) |
          (bin.charCodeAt(2 * size + byte) & bit ? 1 : 0);
        if (mask) out.push([local, mask]);
      }
      return out;
    }
    var v = 0;
    text.split(",").forEach(function (x) {
      v += parseInt(x, 10);
      out.push([v >> 3, v & 7]);
    });
    return out;
  }
  window.DPS.decode = decode; // for tests

  function postings(meta, term) {
    var b = bucket(term, meta.buckets), jobs = [];
    for (var s = 0; s < meta.segs; s++) jobs.push(load("search/s" + s + "/" + b + ".js"));
    return Promise.all(jobs).then(function () {
      var found = new Map();
      for (var s = 0; s < meta.segs; s++) {
        var list = (store.terms[s + "/" + b] || {})[term];
        if (!list) continue;
        decode(list).forEach(function (pair) {
          found.set(s * meta.seg + pair[0], SCORE[pair[1]]);
        });
      }
      return found;
    });
  }

  function search(query) {
    var terms = tokenize(query);
    if (!terms.length) return Promise.resolve([]);
    return load("search/meta.js").then(function () {
      return Promise.all(terms.map(function (t) { return postings(store.meta, t); }));
    }).then(function (lists) {
      lists.sort(function (a, b) { return a.size - b.size; });
      var hits = [];
      lists[0].forEach(function (score, id) {
        for (var i = 1; i < lists.length; i++) {
          if (!lists[i].has(id)) return;
          score += lists[i].get(id);
        }
        hits.push([id, score]);
      });
      // Best score first; among equals the newest paper (highest id) first.
      hits.sort(function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
      return hits.map(function (h) { return h[0]; });
    });
  }

  function records(ids) {
    var block = store.meta.block;
    var blocks = Array.from(new Set(ids.map(function (id) { return Math.floor(id / block); })));
    return Promise.all(blocks.map(function (b) { return load("search/d/" + b + ".js"); }))
      .then(function () {
        return ids.map(function (id) { return store.docs[Math.floor(id / block)][id % block]; });
      });
  }

  function item(rec) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = rec[2];
    a.textContent = rec[0];
    li.appendChild(a);
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = " " + rec[1] + (rec[3] ? " · " + rec[3] : "");
    li.appendChild(meta);
    if (rec[4]) {
      var p = document.createElement("p");
      p.textContent = rec[4];
      li.appendChild(p);
    }
    return li;
  }

  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var hits = [], shown = 0;

  function showMore() {
    var next = hits.slice(shown, shown + PAGE);
    return records(next).then(function (recs) {
      recs.forEach(function (rec) { if (rec) list.appendChild(item(rec)); });
      shown += next.length;
      more.hidden = shown >= hits.length;
    });
  }

  function run(query) {
    list.textContent = "";
    more.hidden = true;
    if (!query.trim()) { status.textContent = ""; return; }
    status.textContent = "Searching…";
    search(query).then(function (found) {
      hits = found; shown = 0;
      status.textContent = found.length ? found.length + " paper" + (found.length === 1 ? "" : "s") +
        " match “" + query + "”." : "No paper matches “" + query + "”.";
      return showMore();
    }).catch(function (err) {
      status.textContent = "Search failed: " + err.message;
    });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var q = input.value;
    try { history.replaceState(null, "", "?q=" + encodeURIComponent(q)); } catch (e) { /* file:// may refuse */ }
    run(q);
  });
  more.addEventListener("click", function () { showMore(); });
  var initial = new URLSearchParams(location.search).get("q") || "";
  input.value = initial;
  if (initial) run(initial);
})();
