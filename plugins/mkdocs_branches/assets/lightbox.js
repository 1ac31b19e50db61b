/* 一支部一品牌: a small offline lightbox for photo galleries. No dependencies, no network.
 *
 * Progressive enhancement: any <a data-lightbox="group" href="large.jpg" data-caption="说明"> opens its
 * image large instead of navigating; links with the same data-lightbox value form one gallery (previous /
 * next, arrow keys, swipe). Optional data-srcset (e.g. the WebP renditions) lets the browser pick a
 * sharper or lighter file. Without JavaScript the link simply opens the image.
 *
 * URLs are only ever taken from the page's own links, so the site works under any sub-path and from
 * file://. Clicks are caught on the document, so pages swapped in by Material's instant navigation
 * work without setting anything up again.
 */
(function () {
  "use strict";

  var SWIPE = 50; // pixels a finger must travel sideways to change photo
  var box = null; // the dialog, built on first use
  var parts = {};
  var links = [];
  var index = 0;
  var opener = null;
  var touch = null;
  var inerted = []; // what open() made inert, to give back on close()

  function element(tag, className, attrs) {
    var el = document.createElement(tag);
    if (className) el.className = className;
    for (var name in attrs || {}) el.setAttribute(name, attrs[name]);
    return el;
  }

  function button(className, label, text, action) {
    var b = element("button", "bb-lightbox__button " + className, { type: "button", "aria-label": label, title: label });
    b.textContent = text;
    b.addEventListener("click", function (event) {
      event.stopPropagation();
      action();
    });
    return b;
  }

  function build() {
    box = element("div", "bb-lightbox", { role: "dialog", "aria-modal": "true", "aria-label": "查看图片" });
    box.hidden = true;
    var figure = element("figure", "bb-lightbox__figure");
    parts.img = element("img", "bb-lightbox__img", { alt: "" });
    parts.caption = element("figcaption", "bb-lightbox__caption", { id: "bb-lightbox-caption" });
    parts.status = element("p", "bb-lightbox__status", { "aria-live": "polite" });
    parts.counter = element("span", "bb-lightbox__counter");
    parts.close = button("bb-lightbox__close", "关闭（Esc）", "×", close);
    parts.prev = button("bb-lightbox__prev", "上一张（←）", "‹", function () { step(-1); });
    parts.next = button("bb-lightbox__next", "下一张（→）", "›", function () { step(1); });
    figure.appendChild(parts.img);
    figure.appendChild(parts.caption);
    box.appendChild(figure);
    box.appendChild(parts.status);
    box.appendChild(parts.counter);
    box.appendChild(parts.prev);
    box.appendChild(parts.next);
    box.appendChild(parts.close);
    box.setAttribute("aria-describedby", "bb-lightbox-caption");

    parts.img.addEventListener("load", function () {
      box.classList.remove("is-loading");
      parts.status.textContent = "";
    });
    parts.img.addEventListener("error", function () {
      if (!parts.img.getAttribute("src")) return;
      box.classList.remove("is-loading");
      parts.status.textContent = "图片加载失败";
    });
    // A click on the dark background (not on the photo or a button) closes.
    box.addEventListener("click", function (event) {
      if (event.target === box || event.target === figure) close();
    });
    box.addEventListener("keydown", onKey);
    box.addEventListener("touchstart", function (event) {
      if (event.touches.length !== 1) { touch = null; return; }
      touch = { x: event.touches[0].clientX, y: event.touches[0].clientY };
    }, { passive: true });
    box.addEventListener("touchend", function (event) {
      if (!touch || !event.changedTouches.length) return;
      var dx = event.changedTouches[0].clientX - touch.x;
      var dy = event.changedTouches[0].clientY - touch.y;
      touch = null;
      if (Math.abs(dx) >= SWIPE && Math.abs(dx) > Math.abs(dy) * 1.5) step(dx < 0 ? 1 : -1);
    }, { passive: true });
    document.body.appendChild(box);
  }

  function group(link) {
    var name = link.getAttribute("data-lightbox");
    var all = document.querySelectorAll("a[data-lightbox]");
    var found = [];
    for (var i = 0; i < all.length; i++) {
      if (all[i].getAttribute("data-lightbox") === name) found.push(all[i]);
    }
    return found;
  }

  function open(link) {
    if (!box || !box.isConnected) build();
    links = group(link);
    index = Math.max(0, links.indexOf(link));
    opener = link;
    show();
    box.hidden = false;
    document.documentElement.classList.add("bb-lightbox-open");
    setInert(true);
    parts.close.focus();
  }

  // The page behind a modal dialog is out of reach: no focus, no clicks, hidden from screen readers.
  function setInert(on) {
    if (!on) {
      inerted.forEach(function (el) { el.inert = false; });
      inerted = [];
      return;
    }
    var children = document.body.children;
    for (var i = 0; i < children.length; i++) {
      var el = children[i];
      if (el !== box && !el.inert) {
        el.inert = true;
        inerted.push(el);
      }
    }
  }

  function show() {
    var link = links[index];
    var img = parts.img;
    var several = links.length > 1;
    var thumb = link.querySelector("img");
    box.classList.add("is-loading");
    parts.status.textContent = "";
    img.removeAttribute("src"); // never show the previous photo under the new caption
    img.removeAttribute("srcset");
    var srcset = link.getAttribute("data-srcset");
    if (srcset) {
      img.setAttribute("sizes", "100vw");
      img.setAttribute("srcset", srcset);
    }
    img.src = link.href; // resolved by the browser against the page: any sub-path, file:// too
    img.alt = (thumb && thumb.getAttribute("alt")) || link.getAttribute("data-caption") || "";
    parts.caption.textContent = link.getAttribute("data-caption") || "";
    parts.caption.hidden = !parts.caption.textContent;
    parts.counter.textContent = several ? (index + 1) + " / " + links.length : "";
    parts.prev.hidden = parts.next.hidden = parts.counter.hidden = !several;
    if (several) {
      preload(links[(index + 1) % links.length]);
      preload(links[(index - 1 + links.length) % links.length]);
    }
  }

  function preload(link) {
    var img = new Image();
    var srcset = link.getAttribute("data-srcset");
    if (srcset) {
      img.sizes = "100vw";
      img.srcset = srcset;
    }
    img.src = link.href;
  }

  function step(delta) {
    if (links.length < 2) return;
    index = (index + delta + links.length) % links.length;
    show();
  }

  function close() {
    if (!box || box.hidden) return;
    box.hidden = true;
    document.documentElement.classList.remove("bb-lightbox-open");
    setInert(false);
    parts.img.removeAttribute("src");
    parts.img.removeAttribute("srcset");
    var back = opener;
    opener = null;
    links = [];
    if (back && back.isConnected) back.focus();
  }

  function onKey(event) {
    if (event.key === "Escape" || event.key === "Esc") {
      event.preventDefault();
      close();
    } else if (event.key === "ArrowLeft" || event.key === "Left") {
      event.preventDefault();
      step(-1);
    } else if (event.key === "ArrowRight" || event.key === "Right") {
      event.preventDefault();
      step(1);
    } else if (event.key === "Tab") {
      // Keep focus inside the dialog while it is open.
      var order = [parts.prev, parts.next, parts.close].filter(function (b) { return !b.hidden; });
      var at = order.indexOf(document.activeElement);
      event.preventDefault();
      var next = at < 0 ? 0 : (at + (event.shiftKey ? -1 : 1) + order.length) % order.length;
      order[next].focus();
    }
  }

  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return; // new tab/window: let it be
    var target = event.target;
    var link = target && target.closest ? target.closest("a[data-lightbox]") : null;
    if (!link || !link.getAttribute("href")) return;
    event.preventDefault();
    open(link);
  });

  // Focus may leave the dialog (a click elsewhere in the page's chrome): bring it back.
  document.addEventListener("focusin", function (event) {
    if (box && !box.hidden && !box.contains(event.target)) parts.close.focus();
  });
})();
