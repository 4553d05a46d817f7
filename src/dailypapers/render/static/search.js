/* dailypapers client-side search over the static index in search/ (see render/site_search.py).
   Shards are scripts that call DPS.m/t/p/b/d/g, so this works from static hosting and file://.
   Tokenizing and hashing must match site_search.py exactly.
   Forgiving: a word matches the terms it starts (from 3 characters, as you type) and, from 5
   characters, the terms one typo away; matches are highlighted; tag and date filters.
   A term's shard is chosen by its first 3 characters (more where the segment split that
   prefix: search/sN/k.js), so the one shard per segment that a query word loads also holds
   its completions and typo variants. */
(function () {
  "use strict";
  var STOP = new Set(("the of and an in on for to with by is are we this that from as at be its our or it " +
    "into than which these their can has have was were not but also via using based").split(" "));
  var PAGE = 20, COMPLETIONS = 3, TYPOS = 3;
  var loading = {};
  var store = { meta: null, terms: {}, split: {}, spans: {}, docs: {}, tags: null };
  window.DPS = {
    m: function (meta) { store.meta = meta; },
    t: function (seg, bucket, terms) { store.terms[seg + "/" + bucket] = terms; },
    k: function (seg, keys) { store.split[seg] = new Set(keys); },
    b: function (seg, spans) { store.spans[seg] = spans; },
    d: function (block, records) { store.docs[block] = records; },
    g: function (tags) { store.tags = tags; }
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

  function term(w) {
    if (w.length < 2 || w.length > 40 || STOP.has(w)) return "";
    if (w.length > 3 && w[w.length - 1] === "s" && w[w.length - 2] !== "s") return w.slice(0, -1);
    return w;
  }
  function words(text) {
    return text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .match(/[\p{L}\p{N}]+/gu) || [];
  }
  function tokenize(text) {
    var out = [];
    words(text).forEach(function (w) {
      w = term(w);
      if (w && out.indexOf(w) < 0) out.push(w);
    });
    return out;
  }

  var encoder = new TextEncoder();
  function fnv(text) {
    var h = 0x811c9dc5;
    encoder.encode(text).forEach(function (b) { h = Math.imul(h ^ b, 0x01000193) >>> 0; });
    return h;
  }
  // The shard of a term in a segment that split the prefixes `split`: its first
  // meta.prefix characters (code points, as Python slices), one more while that prefix is
  // split; all of a tag term (site_search.shard_key).
  function bucket(meta, t, split) {
    var key = t;
    if (t.charAt(0) !== "#") {
      var chars = Array.from(t), size = meta.prefix;
      key = chars.slice(0, size).join("");
      while (split && split.has(key) && size < chars.length) key = chars.slice(0, ++size).join("");
    }
    return fnv(key) % meta.buckets;
  }

  // At most one insertion, deletion, substitution or swap of neighbours between a and b.
  function oneEdit(a, b) {
    if (a === b) return true;
    var la = a.length, lb = b.length;
    if (Math.abs(la - lb) > 1) return false;
    var i = 0;
    while (i < la && i < lb && a[i] === b[i]) i++;
    if (la === lb) {
      if (a.slice(i + 1) === b.slice(i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
    }
    return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
  }

  var SCORE = [0, 1, 3, 4, 6, 7, 9, 10]; // title 6 + names 3 + body 1, by field mask

  // A posting list's digits (site_search.DIGITS): a number's last digit is one of the
  // first BASE characters, the digits before it are of the next BASE.
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij" +
    "klmnopqrstuvwxyz!#$%&'()*+,-./:;<=>?@[]^_`{|} ";
  var BASE = 46, DIGIT = [];
  for (var c = 0; c < DIGITS.length; c++) DIGIT[DIGITS.charCodeAt(c)] = c;

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
    var v = 0, n = 0;
    for (var i = 0; i < text.length; i++) {
      var d = DIGIT[text.charCodeAt(i)];
      if (d >= BASE) { n = n * BASE + d - BASE; continue; }
      v += n * BASE + d;
      n = 0;
      out.push([v >> 3, v & 7]);
    }
    return out;
  }
  window.DPS.decode = decode; // for tests
  window.DPS.oneEdit = oneEdit;
  window.DPS.bucket = bucket;

  function segments(meta) {
    var out = [];
    for (var s = 0; s < meta.segs; s++) out.push(s);
    return out;
  }

  function shard(s, b) { return store.terms[s + "/" + b] || {}; }

  // How many papers an encoded posting list names.
  function count(list) {
    if (list.charAt(0) === "~") return decode(list).length;
    var n = 0;
    for (var i = 0; i < list.length; i++) if (DIGIT[list.charCodeAt(i)] < BASE) n++;
    return n;
  }

  // The terms a query word stands for: [term, weight, shards] (the word itself, completions,
  // typos: all from the word's shard of each segment, loaded here; shards[s] names it).
  function expand(meta, word, live) {
    var b = segments(meta).map(function (s) { return bucket(meta, word, store.split[s]); });
    return Promise.all(segments(meta).map(function (s) {
      return load("search/s" + s + "/" + b[s] + ".js");
    })).then(function () {
      if (word.charAt(0) === "#" || word.length < 3) return [[word, 1, b]];
      var df = new Map(), typos = word.length >= 5;
      segments(meta).forEach(function (s) {
        var terms = shard(s, b[s]);
        Object.keys(terms).forEach(function (t) {
          if (t === word || t.indexOf(word) === 0 || (typos && oneEdit(word, t))) {
            df.set(t, (df.get(t) || 0) + count(terms[t]));
          }
        });
      });
      var exact = df.has(word), out = exact ? [[word, 1, b]] : [];
      var byCount = function (a, b) { return df.get(b) - df.get(a) || (a < b ? -1 : 1); };
      var all = Array.from(df.keys());
      if (!exact || live) {
        all.filter(function (t) { return t !== word && t.indexOf(word) === 0; })
          .sort(byCount).slice(0, COMPLETIONS)
          .forEach(function (t) { out.push([t, 0.8, b]); });
      }
      if (!exact && typos) {
        all.filter(function (t) { return t.length >= 4 && t.indexOf(word) !== 0 && oneEdit(word, t); })
          .sort(byCount).slice(0, TYPOS)
          .forEach(function (t) { out.push([t, 0.6, b]); });
      }
      return out;
    });
  }

  // Papers of a word's expansion: {id: best score}.
  function postings(meta, weighted) {
    var found = new Map();
    weighted.forEach(function (tw) {
      segments(meta).forEach(function (s) {
        var list = shard(s, tw[2][s])[tw[0]];
        if (!list) return;
        decode(list).forEach(function (pair) {
          var id = s * meta.seg + pair[0], score = SCORE[pair[1]] * tw[1];
          if (!(found.get(id) >= score)) found.set(id, score);
        });
      });
    });
    return found;
  }

  function blockSpans(meta) {
    return Promise.all(segments(meta).map(function (s) { return load("search/s" + s + "/b.js"); }));
  }

  // Ids of papers matching every word (and the tag), best first; the terms that matched.
  function search(query, opts) {
    var toks = tokenize(query);
    if (opts.tag) toks.push("#" + opts.tag);
    if (!toks.length) return Promise.resolve({ ids: [], matched: [] });
    var live = opts.live && !/\s$/.test(query);
    var meta;
    return load("search/meta.js").then(function () {
      meta = store.meta;
      return Promise.all(segments(meta).map(function (s) { return load("search/s" + s + "/k.js"); }));
    }).then(function () {
      return Promise.all(toks.map(function (t, i) {
        return expand(meta, t, live && i === toks.length - (opts.tag ? 2 : 1));
      }));
    }).then(function (expanded) {
      var matched = [];
      expanded.forEach(function (e) { e.forEach(function (tw) { matched.push(tw[0]); }); });
      if (expanded.some(function (e) { return !e.length; })) return { lists: [], matched: matched };
      return { lists: expanded.map(function (e) { return postings(meta, e); }), matched: matched };
    }).then(function (r) {
      if (!r.lists.length) return { ids: [], matched: r.matched };
      var lists = r.lists.slice().sort(function (a, b) { return a.size - b.size; });
      var hits = [];
      lists[0].forEach(function (score, id) {
        for (var i = 1; i < lists.length; i++) {
          if (!lists[i].has(id)) return;
          score += lists[i].get(id);
        }
        hits.push([id, score]);
      });
      hits.sort(function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
      var ids = hits.map(function (h) { return h[0]; });
      if (!opts.from && !opts.to) return { ids: ids, matched: r.matched };
      return blockSpans(meta).then(function () {
        var per = meta.seg / meta.block;
        ids = ids.filter(function (id) {
          var block = Math.floor(id / meta.block), seg = Math.floor(block / per);
          var span = (store.spans[seg] || [])[block - seg * per];
          return span && (!opts.from || span[1] >= opts.from) && (!opts.to || span[0] <= opts.to);
        });
        return { ids: ids, matched: r.matched };
      });
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

  // Text with the words whose term matched wrapped in <mark>, built with DOM nodes only.
  function marked(text, matched) {
    var frag = document.createDocumentFragment();
    var re = /[\p{L}\p{N}]+/gu, last = 0, m;
    while ((m = re.exec(text))) {
      var t = term(words(m[0]).join(""));
      var hit = t && matched.some(function (x) { return x === t || (x.length >= 3 && t.indexOf(x) === 0); });
      if (!hit) continue;
      frag.appendChild(document.createTextNode(text.slice(last, m.index)));
      var mark = document.createElement("mark");
      mark.textContent = m[0];
      frag.appendChild(mark);
      last = m.index + m[0].length;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function item(rec, matched) {
    var li = document.createElement("li");
    if (rec[5]) {
      var img = document.createElement("img");
      img.className = "thumb"; img.src = rec[5]; img.alt = ""; img.loading = "lazy";
      li.appendChild(img);
    }
    var a = document.createElement("a");
    a.href = rec[2];
    a.appendChild(marked(rec[0], matched));
    li.appendChild(a);
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.appendChild(document.createTextNode(" " + rec[1] + (rec[3] ? " · " : "")));
    if (rec[3]) meta.appendChild(marked(rec[3], matched));
    // A matched author beyond the few shown: name them too.
    var others = (rec[7] || "").split(", ").filter(function (name) {
      return name && marked(name, matched).querySelector("mark");
    });
    if (others.length) {
      meta.appendChild(document.createTextNode(" (with "));
      meta.appendChild(marked(others.join(", "), matched));
      meta.appendChild(document.createTextNode(")"));
    }
    li.appendChild(meta);
    if (rec[4]) {
      var p = document.createElement("p");
      p.appendChild(marked(rec[4], matched));
      li.appendChild(p);
    }
    return li;
  }

  var form = document.getElementById("search-form");
  var input = document.getElementById("q");
  var tagInput = document.getElementById("search-tag");
  var tagList = document.getElementById("search-tags");
  var from = document.getElementById("search-from");
  var to = document.getElementById("search-to");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var hits = [], matched = [], shown = 0, opts = {}, generation = 0;

  function inRange(rec) {
    return rec && (!opts.from || rec[1] >= opts.from) && (!opts.to || rec[1] <= opts.to);
  }

  function showMore() {
    var next = hits.slice(shown, shown + PAGE);
    return records(next).then(function (recs) {
      recs.forEach(function (rec) { if (inRange(rec)) list.appendChild(item(rec, matched)); });
      shown += next.length;
      more.hidden = shown >= hits.length;
    });
  }

  function tagSlug(text) {
    if (!text) return "";
    var found = (store.tags || []).filter(function (t) { return t[1] === text || t[0] === text; })[0];
    return found ? found[0] : text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }

  function run(query, live) {
    var mine = ++generation;
    opts = { tag: tagSlug(tagInput.value.trim()), from: from.value, to: to.value, live: live };
    if (!query.trim() && !opts.tag) { list.textContent = ""; status.textContent = ""; more.hidden = true; return; }
    status.textContent = "Searching…";
    search(query, opts).then(function (found) {
      if (mine !== generation) return;
      list.textContent = "";
      hits = found.ids; matched = found.matched; shown = 0;
      var what = query.trim() ? "“" + query.trim() + "”" : "the tag";
      status.textContent = hits.length ? hits.length + (hits.length === 1 ? " paper matches " :
        " papers match ") + what + "." : "No paper matches " + what + ".";
      return showMore();
    }).catch(function (err) {
      if (mine === generation) status.textContent = "Search failed: " + err.message;
    });
  }

  function remember() {
    var params = new URLSearchParams();
    params.set("q", input.value);
    if (tagInput.value) params.set("tag", tagInput.value);
    if (from.value) params.set("from", from.value);
    if (to.value) params.set("to", to.value);
    try { history.replaceState(null, "", "?" + params.toString()); } catch (e) { /* file:// may refuse */ }
  }

  var timer = null;
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    remember();
    run(input.value, false);
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    var q = input.value.trim();
    if (q.length < 3) return;
    timer = setTimeout(function () { run(input.value, true); }, 250);
  });
  [tagInput, from, to].forEach(function (el) {
    el.addEventListener("change", function () { remember(); run(input.value, false); });
  });
  tagInput.addEventListener("focus", function () {
    if (store.tags) return;
    load("search/tags.js").then(function () {
      (store.tags || []).forEach(function (t) {
        var o = document.createElement("option");
        o.value = t[1];
        tagList.appendChild(o);
      });
    }).catch(function () { /* no tags: the field still takes a slug */ });
  });
  more.addEventListener("click", function () { showMore(); });
  var params = new URLSearchParams(location.search);
  input.value = params.get("q") || "";
  tagInput.value = params.get("tag") || "";
  from.value = params.get("from") || "";
  to.value = params.get("to") || "";
  if (input.value || tagInput.value) {
    (tagInput.value ? load("search/tags.js").catch(function () {}) : Promise.resolve())
      .then(function () { run(input.value, false); });
  }
})();
