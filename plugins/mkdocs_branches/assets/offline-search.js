/* 站内搜索 from disk (file://), where browsers refuse Pagefind's module and WebAssembly. search.js loads
   this file with a <script> tag; it loads the index the same way (pagefind/offline/, written by offline.py
   from Pagefind's own fragments) and answers the part of Pagefind's API search.js uses: search(), filters().
   A page matches when it holds every term at the start of one of its words (Pagefind's word breaks are
   kept in the text); results are ranked by BM25 as Pagefind does, the title counting as Pagefind's
   weighted heading, and a page holding the terms one after another (2025 年 6 月) first. */
(function () {
  "use strict";
  var script = document.currentScript;
  var site = new URL("../../", script.src); // this file is assets/branches/offline-search.js
  var BREAK = "\u200b"; // Pagefind's word break, kept in the text; spaces become breaks too
  var SPLIT = /[\s\u200b,.;:!?'"()\[\]{}<>\/\\|，。；：！？、“”‘’（）【】《》〈〉「」·…—-]+/;
  var WORD = /[\p{L}\p{N}]/u;
  var TITLE = 7; // Pagefind's weight of an <h1>
  var K1 = 1.2; // BM25's saturation and length weight, Pagefind's defaults
  var B = 0.75;
  var EXCERPT = 48; // characters shown around the first match, about Pagefind's 30 words
  var pages = [];
  var head = null;
  var loading = null;
  var received = 0;
  var done = null;

  function tag(src) {
    return new Promise(function (resolve, reject) {
      var el = document.createElement("script");
      el.src = new URL(src, site).href;
      el.onload = resolve;
      el.onerror = function () {
        reject(new Error("从本地文件打开时找不到搜索索引（" + src + "），请重新解压整个压缩包后再试"));
      };
      document.head.appendChild(el);
    });
  }

  function load() {
    if (!loading) {
      loading = tag("pagefind/offline/index.js").then(function () {
        if (!head) throw new Error("搜索索引不完整，请重新解压整个压缩包后再试");
        if (head.unavailable) throw new Error(head.unavailable);
        var all = [];
        for (var i = 0; i < head.chunks; i++) all.push(tag("pagefind/offline/" + i + ".js"));
        return Promise.all(all).then(function () {
          if (received !== head.chunks) throw new Error("搜索索引不完整，请重新解压整个压缩包后再试");
          var total = 0;
          pages.forEach(function (page) {
            total += page.low.length;
          });
          done = { average: pages.length ? total / pages.length : 1 };
          return api;
        });
      });
      loading.catch(function () {
        loading = null; // a file that could not be read: next time again
      });
    }
    return loading;
  }

  function lower(text) {
    var low = text.toLowerCase().replace(/\s/g, BREAK);
    return low.length === text.length ? low : text.replace(/\s/g, BREAK); // positions shared with the text
  }

  // [url, date sort, meta, filters, text] by the index's files, in any order.
  function add(list) {
    received++;
    list.forEach(function (row) {
      var meta = row[2] || {};
      pages.push({
        url: row[0],
        sort: row[1],
        meta: meta,
        filters: row[3] || {},
        text: row[4],
        low: lower(row[4]),
        title: (meta.title || "").toLowerCase(),
        head: heading(row[4], meta.title || ""),
      });
    });
  }

  // Where the title ends in the text, when the text starts with it (an item's <h1>): the excerpt is
  // taken from after it.
  function heading(text, title) {
    var seen = 0;
    for (var i = 0; i < text.length && seen < title.length; i++) {
      if (text[i] === BREAK) continue;
      if (text[i] !== title[seen]) return 0;
      seen++;
    }
    return seen === title.length ? i : 0;
  }

  function separator(char) {
    return char === undefined || !WORD.test(char);
  }

  // Where `term` starts a word of the page: [position, length of the word, exact].
  function occurrences(page, term) {
    var found = [];
    var low = page.low;
    for (var at = low.indexOf(term); at >= 0; at = low.indexOf(term, at + 1)) {
      if (at > 0 && !separator(low[at - 1])) continue;
      var end = at + term.length;
      while (end < low.length && !separator(low[end])) end++;
      found.push([at, end - at, end === at + term.length]);
    }
    return found;
  }

  function count(haystack, needle) {
    var n = 0;
    for (var at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) n++;
    return n;
  }

  function passes(page, filters) {
    return Object.keys(filters || {}).every(function (name) {
      return (page.filters[name] || []).indexOf(filters[name]) >= 0;
    });
  }

  function escape(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  // About EXCERPT characters of the text around its first match in the body (after the title), the
  // matched words marked as Pagefind marks them.
  function excerpt(page, marks) {
    var text = page.text;
    var body = marks.filter(function (m) {
      return m[0] >= page.head;
    });
    var first = (body[0] || marks[0] || [page.head])[0];
    var start = first;
    for (var seen = 0; start > 0 && seen < EXCERPT / 3; start--) if (text[start - 1] !== BREAK) seen++;
    var end = start;
    for (seen = 0; end < text.length && seen < EXCERPT; end++) if (text[end] !== BREAK) seen++;
    var out = "";
    var at = start;
    marks.forEach(function (m) {
      if (m[0] < at || m[0] >= end) return;
      out += escape(text.slice(at, m[0])) + "<mark>" + escape(text.slice(m[0], m[0] + m[1])) + "</mark>";
      at = m[0] + m[1];
    });
    out += escape(text.slice(at, Math.max(at, end)));
    return out.split(BREAK).join("").trim();
  }

  function hit(page, marks) {
    var url = page.url.replace(/^\//, "");
    return {
      url: new URL(url + (url === "" || /\/$/.test(url) ? "index.html" : ""), site).href,
      meta: page.meta,
      excerpt: excerpt(page, marks),
    };
  }

  function search(text, options) {
    options = options || {};
    var terms = (text || "").toLowerCase().split(SPLIT).filter(Boolean);
    var found = [];
    var df = terms.map(function () {
      return 0;
    });
    pages.forEach(function (page) {
      if (!passes(page, options.filters)) return;
      var each = terms.map(function (term, t) {
        var at = occurrences(page, term);
        if (at.length) df[t]++;
        return at;
      });
      if (each.every(function (at) { return at.length; })) found.push({ page: page, each: each, score: 0 });
    });
    var n = pages.length;
    terms.forEach(function (term, t) {
      var idf = Math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5));
      found.forEach(function (f) {
        var tf = 0;
        f.each[t].forEach(function (m) {
          tf += m[2] ? 1 : 0.5; // a longer word that starts with the term counts half
        });
        tf += (TITLE - 1) * count(f.page.title, term);
        var length = f.page.low.length / done.average;
        f.score += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + B * length));
      });
    });
    if (terms.length > 1) {
      var phrase = terms.join(BREAK);
      found.forEach(function (f) {
        var together = occurrences(f.page, phrase);
        if (together.length) f.score = f.score * 2 + (f.page.title.indexOf(terms.join("")) >= 0 ? 1 : 0) + 1;
      });
    }
    var sort = options.sort && options.sort.date;
    found.sort(function (a, b) {
      if (sort || !terms.length) {
        var order = a.page.sort < b.page.sort ? -1 : a.page.sort > b.page.sort ? 1 : 0;
        if (order) return sort === "asc" ? order : -order;
      }
      return b.score - a.score;
    });
    return Promise.resolve({
      results: found.map(function (f) {
        return {
          data: function () {
            var marks = [].concat.apply([], f.each).sort(function (x, y) {
              return x[0] - y[0];
            });
            return Promise.resolve(hit(f.page, marks));
          },
        };
      }),
    });
  }

  function filters() {
    var all = {};
    pages.forEach(function (page) {
      Object.keys(page.filters).forEach(function (name) {
        var counts = (all[name] = all[name] || {});
        page.filters[name].forEach(function (value) {
          counts[value] = (counts[value] || 0) + 1;
        });
      });
    });
    return Promise.resolve(all);
  }

  // The index's Chinese words whose first character falls in `bucket`, to split a query (search.js).
  function words(bucket) {
    var list = head && head.words[bucket];
    return list ? list.split("\n") : [];
  }

  var api = { search: search, filters: filters, words: words };
  window.__bbOffline = {
    index: function (data) {
      head = data;
    },
    add: add,
    load: load,
  };
})();
