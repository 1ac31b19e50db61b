/* 站内搜索: Material's search box (partials/branches-search.html) on Pagefind's index (pagefind/).
   Nothing is fetched until the box is used. Keys as in Material: / s f open it, Esc closes it,
   ↑ ↓ move through the results, Enter opens the first one. */
(function () {
  "use strict";
  var root = document.querySelector("[data-bb-search]");
  var script = document.currentScript;
  var toggle = document.getElementById("__search");
  if (!root || !script || !toggle) return;
  var site = new URL("../../", script.src); // this file is assets/branches/search.js
  var query = root.querySelector(".md-search__input");
  var selects = Array.prototype.slice.call(root.querySelectorAll(".bb-search__filters select"));
  var meta = root.querySelector(".md-search-result__meta");
  var list = root.querySelector(".md-search-result__list");
  var more = root.querySelector(".bb-search__more");
  var PAGE = 10;
  var BUCKETS = 64; // as in search.py
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+/g; // BMP only, like search.py
  var buckets = {}; // promises of the index's words, by bucket of first characters
  var engine = null; // a promise of Pagefind's API, once asked for
  var attempt = 0; // Pagefind copies that failed to load: each retry imports a new one
  var older = []; // the paths of the index's shards after the first, once listed
  var merged = []; // by shard: a promise of its index loaded into Pagefind
  var filtersShown = false;
  var results = []; // of the newest search, the shards searched so far
  var complete = false; // every shard searched
  var shown = 0;
  var want = PAGE; // results the reader asked to see
  var paging = false; // the next results are being shown
  var showing = Promise.resolve(); // results are shown one batch at a time
  var seq = 0; // the newest search; older ones drop their results
  var running = null; // the search Pagefind is working on: on a large site, one at a time
  var again = false; // the query changed meanwhile
  var offline = location.protocol === "file:"; // opened from disk: see offline-search.js

  // Pagefind with the index's first (or only) shard. A large site's index is cut by date, newest first
  // (search.py); the other shards are loaded when a search gets to them, each filtered by its number.
  function load() {
    if (!engine && offline) {
      // From disk (file://) browsers refuse Pagefind's module and WebAssembly: the index as classic scripts.
      engine = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = new URL("assets/branches/offline-search.js", site).href;
        tag.onload = resolve;
        tag.onerror = function () {
          reject(new Error("从本地文件打开时不能搜索：这份网站没有本地搜索索引，请在网站服务器上搜索"));
        };
        document.head.appendChild(tag);
      }).then(function () {
        return window.__bbOffline.load();
      });
      engine.catch(broken);
    }
    if (!engine) {
      var listed = fetch(new URL("pagefind/shards.json", site).href)
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .catch(function () {
          return []; // an index written before shards were: one index
        });
      // A copy of Pagefind that failed (an index being rewritten) keeps its error: a new one is imported.
      var program = new URL("pagefind/pagefind.js", site).href + (attempt ? "?" + attempt : "");
      engine = Promise.all([import(program), listed]).then(function (ready) {
        var pagefind = ready[0];
        older = Array.isArray(ready[1]) ? ready[1] : [];
        // The search runs on this thread: one file less to fetch than with Pagefind's worker.
        return pagefind
          .options({ noWorker: true })
          .then(function () {
            // Pagefind would split a Chinese query with the browser's word breaker, which cuts where the
            // index did not (党课 → 党 课). `terms` splits it into the index's own words instead; Pagefind
            // leaves a query alone in a language it does not know, and reads the page's language once, here.
            var html = document.documentElement;
            var lang = html.getAttribute("lang");
            html.setAttribute("lang", "und");
            try {
              pagefind.init();
            } finally {
              if (lang === null) html.removeAttribute("lang");
              else html.setAttribute("lang", lang);
            }
            // Both wait until the index is loaded (and fail if it could not be); a search for nothing
            // reads nothing more.
            merged = [older.length ? pagefind.options({ mergeFilter: { shard: "0" } }) : pagefind.search("")];
            return merged[0];
          })
          .then(function () {
            return pagefind;
          });
      });
      engine.catch(broken);
    }
    return engine;
  }

  function broken() {
    engine = null; // try again next time: the index may still be being written
    attempt++;
  }

  function shard(pagefind, i) {
    if (!merged[i]) {
      var path = new URL("pagefind/" + older[i - 1], site).href;
      merged[i] = pagefind.mergeIndex(path, { mergeFilter: { shard: String(i) } });
      merged[i].catch(broken);
    }
    return merged[i];
  }

  // The order in which the shards' results are shown: newest first (oldest first when sorted so).
  function tiers(sort) {
    var all = [];
    for (var i = 0; i <= older.length; i++) all.push(i);
    return sort && sort.date === "asc" ? all.reverse() : all;
  }

  // One shard's results, found by Pagefind (all results, when the index is one). Pagefind's own merged
  // search would rank the shards' results together, by a date sort within each index only, and only once
  // every shard is loaded and searched (1–3 s for a common word on 9,000 pages).
  function find(pagefind, i, text, options) {
    if (!older.length) return pagefind.search(text, options);
    var filters = { shard: String(i) };
    Object.keys(options.filters).forEach(function (name) {
      filters[name] = options.filters[name];
    });
    return shard(pagefind, i).then(function () {
      return pagefind.search(text, options.sort ? { filters: filters, sort: options.sort } : { filters: filters });
    });
  }

  function words(bucket) {
    if (!buckets[bucket] && offline) {
      return load().then(function (index) {
        return index.words(bucket);
      });
    }
    if (!buckets[bucket]) {
      buckets[bucket] = fetch(new URL("pagefind/words/" + bucket + ".txt", site).href)
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(
          function (text) {
            return text ? text.split("\n") : [];
          },
          function () {
            delete buckets[bucket]; // offline for a moment: single characters this time
            return [];
          }
        );
    }
    return buckets[bucket];
  }

  // The query with every run of Chinese characters cut into the index's words: at each place the longest
  // word that fits, else one character; the end of the query may be the start of a longer word (typing).
  function terms(text) {
    var runs = text.match(HAN) || [];
    var wanted = {};
    runs.join("").split("").forEach(function (char) {
      wanted[char.charCodeAt(0) % BUCKETS] = true;
    });
    var numbers = Object.keys(wanted);
    return Promise.all(numbers.map(words)).then(function (lists) {
      var known = {};
      numbers.forEach(function (number, i) {
        known[number] = lists[i];
      });
      return text.replace(HAN, function (run) {
        var out = [];
        for (var i = 0; i < run.length; ) {
          var rest = run.slice(i);
          var best = 1;
          known[run.charCodeAt(i) % BUCKETS].forEach(function (word) {
            if (word.length > best && (rest.indexOf(word) === 0 || word.indexOf(rest) === 0)) {
              best = Math.min(word.length, rest.length);
            }
          });
          out.push(rest.slice(0, best));
          i += best;
        }
        return " " + out.join(" ") + " ";
      });
    });
  }

  function setOpen(open) {
    if (toggle.checked !== open) toggle.click();
  }

  function chosen() {
    var filters = {};
    var sort = null;
    selects.forEach(function (select) {
      if (!select.value) return;
      if (select.name === "sort") sort = { date: select.value };
      else filters[select.name] = select.value;
    });
    return { filters: filters, sort: sort };
  }

  // A message instead of results.
  function say(text) {
    meta.textContent = text;
    list.textContent = "";
    more.hidden = true;
    list.setAttribute("aria-busy", "false");
  }

  // Searches one at a time (a common word on a large site keeps Pagefind busy for a moment, on this
  // thread); typing meanwhile runs one more search, for the newest query, when it is done.
  function search() {
    list.setAttribute("aria-busy", "true");
    if (running) {
      again = true;
      seq++; // what it finds is already out of date: not shown
      return running;
    }
    running = run().then(function () {
      running = null;
      if (again) {
        again = false;
        return search();
      }
    });
    return running;
  }

  function run() {
    var n = ++seq;
    var text = query.value.trim();
    var options = chosen();
    if (!text && !Object.keys(options.filters).length) return Promise.resolve(say("键入以开始搜索"));
    if (!options.sort) delete options.sort;
    return Promise.all([load(), terms(text)])
      .then(
        function (ready) {
          var pagefind = ready[0];
          var term = ready[1].trim() || null;
          var order = tiers(options.sort);
          results = [];
          complete = false;
          shown = 0;
          want = PAGE;
          // Shard after shard: a shard's results on screen before the next one is loaded and searched.
          function next(k) {
            return find(pagefind, order[k], term, options).then(
              function (found) {
                if (n !== seq) return;
                results = results.concat(found ? found.results : []);
                complete = k === order.length - 1;
                count();
                return fill(n, k === 0).then(function () {
                  if (!complete && n === seq) return next(k + 1);
                });
              },
              function (error) {
                if (!k) throw error;
                if (n !== seq) return;
                complete = true; // what was found is shown; the rest, next time
                meta.textContent = "找到 " + results.length + " 个结果，较早的新闻暂时搜不到，请稍后再试";
                more.hidden = shown >= results.length;
              }
            );
          }
          return next(0).then(function () {
            if (n !== seq) return;
            list.setAttribute("aria-busy", "false");
            showFilters(pagefind);
          });
        },
        function (error) {
          if (n === seq) say(offline && error && error.message ? error.message : "搜索索引正在生成，请稍后再试");
        }
      )
      .catch(function () {
        if (n === seq) say("搜索出了点问题，请刷新页面后再试");
      });
  }

  function count() {
    var found = results.length;
    if (!complete) meta.textContent = "已找到 " + found + " 个结果，还在查找……";
    else meta.textContent = found ? "找到 " + found + " 个符合条件的结果" : "没有找到符合条件的结果";
  }

  // The results up to `want` that are not on screen yet, each shown as soon as it and those before it
  // have arrived; `first`: in place of the previous search's.
  function fill(n, first) {
    function step() {
      return batch(n, first);
    }
    showing = showing.then(step, step);
    return showing;
  }

  function batch(n, first) {
    if (n !== seq) return;
    var slice = results.slice(shown, want);
    paging = true;
    more.setAttribute("aria-busy", "true");
    var ready = [];
    var next = 0;
    function show() {
      if (n !== seq || (slice.length && !ready[next])) return;
      if (first) list.textContent = "";
      first = false;
      while (ready[next]) list.appendChild(render(ready[next++]));
    }
    return Promise.all(
      slice.map(function (result, i) {
        return result.data().then(function (hit) {
          ready[i] = hit;
          show();
        });
      })
    ).then(function () {
      show();
      paging = false;
      more.removeAttribute("aria-busy");
      if (n !== seq) return;
      shown += slice.length;
      more.hidden = shown >= results.length;
    });
  }

  function element(tag, className, text) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    if (text) el.textContent = text; // text from the index is never read as HTML
    return el;
  }

  function render(hit) {
    var info = hit.meta || {};
    var item = element("li", "md-search-result__item");
    var link = element("a", "md-search-result__link");
    link.href = hit.url;
    link.tabIndex = -1;
    var article = element("article", "md-search-result__article md-typeset");
    if (info.cover) {
      var picture = element("picture");
      if (info.cover_webp) {
        var webp = element("source");
        webp.type = "image/webp";
        webp.srcset = new URL(info.cover_webp, site).href.replace(/ /g, "%20").replace(/,/g, "%2C");
        picture.appendChild(webp);
      }
      var img = element("img", "bb-search__cover");
      img.src = new URL(info.cover, site).href;
      img.alt = "";
      img.loading = "lazy";
      picture.appendChild(img);
      article.appendChild(picture);
    } else {
      article.appendChild(element("div", "md-search-result__icon md-icon"));
    }
    article.appendChild(element("h1", "", info.title || hit.url));
    var line = [info.date, info.type, info.branch].filter(Boolean).join(" · ");
    if (line) article.appendChild(element("p", "bb-search__info", line));
    var teaser = element("p", "bb-search__teaser");
    teaser.innerHTML = hit.excerpt; // Pagefind escapes the page's text and adds only <mark>
    article.appendChild(teaser);
    link.appendChild(article);
    item.appendChild(link);
    return item;
  }

  function showFilters(pagefind) {
    if (filtersShown) return;
    filtersShown = true;
    pagefind.filters().then(function (all) {
      selects.forEach(function (select) {
        var counts = all[select.name];
        if (!counts) return;
        var values = Object.keys(counts);
        values.sort(function (a, b) {
          return select.name === "year" ? b - a : a.localeCompare(b, "zh");
        });
        values.forEach(function (value) {
          var option = element("option", "", value + "（" + counts[value] + "）");
          option.value = value;
          select.appendChild(option);
        });
      });
    }, function () {
      filtersShown = false; // a shard that could not be loaded: next time
    });
  }

  query.addEventListener("input", function (ev) {
    if (!ev.isComposing) search();
  });
  query.addEventListener("compositionend", search);
  function warm() {
    load().catch(function () {});
  }
  function focused() {
    // After the click that may have brought focus here has toggled search open itself (as in Material).
    setTimeout(function () {
      if (document.activeElement === query) setOpen(true);
    }, 1);
    warm();
  }
  query.addEventListener("focus", focused);
  selects.forEach(function (select) {
    select.addEventListener("change", search);
  });
  more.addEventListener("click", function () {
    if (paging) return; // a second click while the next results load would load them twice
    want = shown + PAGE;
    fill(seq, false);
  });
  query.form.addEventListener("submit", function (ev) {
    ev.preventDefault();
  });
  query.form.addEventListener("reset", function () {
    setTimeout(function () {
      search();
      query.focus();
    });
  });
  // On phones the keyboard comes up only when focusing follows a tap on the search button.
  var button = document.querySelector("header label[for=__search]");
  if (button) button.addEventListener("click", function () { query.focus(); });
  // A pointer on its way to the box or the button: start loading the index now.
  [button, query].forEach(function (el) {
    if (el) el.addEventListener("pointerenter", warm, { once: true });
  });
  toggle.addEventListener("change", function () {
    if (!toggle.checked) query.blur();
  });
  list.addEventListener("click", function (ev) {
    if (ev.target instanceof Element && ev.target.closest("a")) setOpen(false);
  });
  root.addEventListener("focusout", function (ev) {
    if (toggle.checked && ev.relatedTarget instanceof Node && !root.contains(ev.relatedTarget)) setOpen(false);
  });

  // This script comes after the page's photos (overrides/main.html): what was typed meanwhile is answered now.
  if (document.activeElement === query) focused();
  if (query.value) search();

  function typing(el) {
    return el && (el.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(el.tagName));
  }

  window.addEventListener("keydown", function (ev) {
    if (ev.metaKey || ev.ctrlKey || ev.altKey || ev.isComposing) return;
    var active = document.activeElement;
    if (!toggle.checked && active !== query) {
      if ((ev.key === "/" || ev.key === "s" || ev.key === "f") && !typing(active)) {
        setOpen(true);
        query.focus();
        query.select();
        ev.preventDefault();
        ev.stopPropagation();
      }
      return;
    }
    if (active && active.tagName === "SELECT") {
      if (ev.key === "Escape") setOpen(false);
      return;
    }
    switch (ev.key) {
      case "Escape":
        setOpen(false);
        query.blur();
        break;
      case "Enter":
        if (active === query) {
          var first = list.querySelector("a");
          if (first) first.click();
          ev.preventDefault();
        }
        break;
      case "ArrowUp":
      case "ArrowDown":
        var stops = [query].concat(Array.prototype.slice.call(list.querySelectorAll("a")));
        var at = Math.max(0, stops.indexOf(active));
        stops[(at + stops.length + (ev.key === "ArrowUp" ? -1 : 1)) % stops.length].focus();
        ev.preventDefault();
        break;
      case "Tab":
        break;
      default:
        if (active !== query && ev.key.length === 1) query.focus();
    }
  });
})();
