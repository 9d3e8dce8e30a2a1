// jflame flame graph interactivity: hover details, click to zoom, regex search, and the
// view (zoom, search, case) kept in the URL so a shared link reopens it.
// Frame names are read from the DOM as text and only written back with textContent;
// nothing taken from the profile is ever evaluated or parsed as markup.
(function () {
  "use strict";

  var GLYPH_WIDTH_EM = 0.59;   // same estimate as the renderer's FrameLabel
  var LABEL_PADDING = 6;
  var EPSILON = 0.005;         // rect geometry is written with two decimals

  var framesGroup = document.getElementById("frames");
  var details = document.getElementById("details");
  var unzoomButton = document.getElementById("unzoom");
  var searchButton = document.getElementById("search");
  var caseButton = document.getElementById("ignorecase");
  var matchedText = document.getElementById("matched");

  var sidePad = Number(framesGroup.getAttribute("data-xpad"));
  var usableWidth = Number(framesGroup.getAttribute("data-width")) - 2 * sidePad;
  var fontSize = Number(framesGroup.getAttribute("data-font-size"));
  var frameHeight = Number(framesGroup.getAttribute("data-frame-height"));
  var inverted = framesGroup.getAttribute("data-inverted") === "true";
  var searchColor = framesGroup.getAttribute("data-search-color");
  var detailsPrefix = details.getAttribute("data-prefix");

  // The renderer writes the root first; every level is measured from its row.
  var firstRect = framesGroup.querySelector("rect");
  var rootY = firstRect ? Number(firstRect.getAttribute("y")) : 0;

  // Every drawn frame with the geometry it was rendered at; zooming always starts from these.
  var frames = [];
  var frameByGroup = new Map();
  Array.prototype.forEach.call(framesGroup.children, function (group, index) {
    var tooltip = group.children[0].textContent;
    var rect = group.children[1];
    var label = group.children[2];
    var suffixStart = tooltip.lastIndexOf(" (");
    var suffix = tooltip.substring(suffixStart + 2);
    var y = Number(rect.getAttribute("y"));
    var frame = {
      group: group,
      index: index,
      rect: rect,
      label: label,
      tooltip: tooltip,
      name: tooltip.substring(0, suffixStart),
      count: Number(suffix.substring(0, suffix.indexOf(" ")).replace(/,/g, "")),
      x: Number(rect.getAttribute("x")),
      width: Number(rect.getAttribute("width")),
      y: y,
      // 0 for the root, growing towards the leaves whichever way the graph is drawn
      level: Math.round((inverted ? y - rootY : rootY - y) / frameHeight),
      fill: rect.getAttribute("fill"),
      highlighted: false,
      // exactly as rendered, so resetting the zoom restores the original document
      original: [rect.getAttribute("x"), rect.getAttribute("width"), label.getAttribute("x"), label.textContent]
    };
    frames.push(frame);
    frameByGroup.set(group, frame);
  });

  var zoomed = null;
  var searchTerm = null;
  var ignoreCase = false;

  function frameOf(node) {
    while (node && node !== framesGroup) {
      if (node.parentNode === framesGroup) {
        return frameByGroup.get(node) || null;
      }
      node = node.parentNode;
    }
    return null;
  }

  function fitLabel(name, width) {
    var fits = Math.floor((width - LABEL_PADDING) / (fontSize * GLYPH_WIDTH_EM));
    if (fits < 3) {
      return "";
    }
    var codePoints = Array.from(name);
    if (codePoints.length <= fits) {
      return name;
    }
    return codePoints.slice(0, fits - 2).join("") + "..";
  }

  function place(frame, x, width, labelText) {
    frame.rect.setAttribute("x", x.toFixed(2));
    frame.rect.setAttribute("width", width.toFixed(2));
    frame.label.setAttribute("x", (x + 3).toFixed(2));
    frame.label.textContent = labelText;
  }

  // The renderer writes frames depth-first, parents before children, so a frame's subtree is
  // the run of frames after it that lie deeper, and its parent the nearest earlier frame one
  // level up. Zooming therefore touches only the subtree and its ancestors; everything else
  // is hidden at once by the "zoomed" class on the frames group (see the stylesheet). With
  // tens of thousands of frames, touching each one would take seconds.
  var placed = [];

  function zoom(target) {
    if (target.level === 0) {
      unzoom();
      return;
    }
    restorePlaced();
    var left = target.x;
    var scale = usableWidth / target.width;
    for (var i = target.index; i < frames.length; i++) {
      var frame = frames[i];
      if (i > target.index && frame.level <= target.level) {
        break;
      }
      var x = sidePad + (frame.x - left) * scale;
      var width = frame.width * scale;
      place(frame, x, width, fitLabel(frame.name, width));
      frame.group.classList.add("zoom");
      placed.push(frame);
    }
    var level = target.level;
    for (var j = target.index - 1; j >= 0 && level > 0; j--) {
      var ancestor = frames[j];
      if (ancestor.level === level - 1) {
        place(ancestor, sidePad, usableWidth, fitLabel(ancestor.name, usableWidth));
        ancestor.group.classList.add("ancestor");
        placed.push(ancestor);
        level--;
      }
    }
    framesGroup.classList.add("zoomed");
    zoomed = target;
    unzoomButton.classList.remove("hide");
    saveState();
  }

  function restorePlaced() {
    placed.forEach(function (frame) {
      frame.group.classList.remove("zoom", "ancestor");
      frame.rect.setAttribute("x", frame.original[0]);
      frame.rect.setAttribute("width", frame.original[1]);
      frame.label.setAttribute("x", frame.original[2]);
      frame.label.textContent = frame.original[3];
    });
    placed = [];
  }

  function unzoom() {
    restorePlaced();
    framesGroup.classList.remove("zoomed");
    zoomed = null;
    unzoomButton.classList.add("hide");
    saveState();
  }

  function describe(frame) {
    var text = detailsPrefix + " " + frame.tooltip;
    if (zoomed !== null && !frame.group.classList.contains("ancestor") && zoomed.count > 0) {
      text += ", " + (100 * frame.count / zoomed.count).toFixed(2) + "% of zoomed frame";
    }
    return text;
  }

  // Share of the whole graph covered by matching frames; a match nested inside another match
  // lies within its x range, so merging the ranges counts its samples once.
  function matchedPercent(ranges) {
    ranges.sort(function (a, b) { return a[0] - b[0]; });
    var covered = 0;
    var reach = -Infinity;
    ranges.forEach(function (range) {
      if (range[0] >= reach) {
        covered += range[1] - range[0];
        reach = range[1];
      } else if (range[1] > reach) {
        covered += range[1] - reach;
        reach = range[1];
      }
    });
    return usableWidth > 0 ? 100 * covered / usableWidth : 0;
  }

  function search(term) {
    var regex;
    try {
      regex = new RegExp(term, ignoreCase ? "i" : "");
    } catch (error) {
      details.textContent = "Invalid regular expression: " + error.message;
      return;
    }
    searchTerm = term;
    var ranges = [];
    frames.forEach(function (frame) {
      var match = regex.test(frame.name);
      if (match) {
        ranges.push([frame.x, frame.x + frame.width]);
      }
      if (match !== frame.highlighted) {
        // only frames whose colour changes are touched: a search over 50,000 frames stays fast
        frame.rect.setAttribute("fill", match ? searchColor : frame.fill);
        frame.highlighted = match;
      }
    });
    matchedText.textContent = "Matched: " + matchedPercent(ranges).toFixed(1) + "%";
    matchedText.classList.remove("hide");
    searchButton.classList.add("active");
    searchButton.textContent = "Reset Search";
    saveState();
  }

  function resetSearch() {
    frames.forEach(function (frame) {
      if (frame.highlighted) {
        frame.rect.setAttribute("fill", frame.fill);
        frame.highlighted = false;
      }
    });
    searchTerm = null;
    matchedText.classList.add("hide");
    searchButton.classList.remove("active");
    searchButton.textContent = "Search";
    saveState();
  }

  function askSearch() {
    var question = "Search for (regular expression" + (ignoreCase ? ", ignoring case" : "") + "):";
    var term = window.prompt(question, searchTerm === null ? "" : searchTerm);
    if (term === null) {
      return;
    }
    if (term === "") {
      resetSearch();
    } else {
      search(term);
    }
  }

  function toggleCase() {
    ignoreCase = !ignoreCase;
    caseButton.classList.toggle("active", ignoreCase);
    if (searchTerm !== null) {
      search(searchTerm);
    } else {
      saveState();
    }
  }

  function saveState() {
    if (!window.history || !window.history.replaceState || typeof URLSearchParams === "undefined") {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    ["x", "y", "s", "i"].forEach(function (key) { params.delete(key); });
    if (zoomed !== null) {
      params.set("x", zoomed.x.toFixed(2));
      params.set("y", String(zoomed.y));
    }
    if (searchTerm !== null) {
      params.set("s", searchTerm);
    }
    if (ignoreCase) {
      params.set("i", "1");
    }
    var query = params.toString();
    try {
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    } catch (refused) {
      // Some browsers refuse history changes for file: URLs; the view still works.
    }
  }

  function restoreState() {
    if (typeof URLSearchParams === "undefined") {
      return;
    }
    var params = new URLSearchParams(window.location.search);
    ignoreCase = params.get("i") === "1";
    caseButton.classList.toggle("active", ignoreCase);
    if (params.has("x") && params.has("y")) {
      var x = Number(params.get("x"));
      var y = Number(params.get("y"));
      var target = frames.find(function (frame) {
        return Math.abs(frame.x - x) < 2 * EPSILON && Math.abs(frame.y - y) < 0.5;
      });
      if (target) {
        zoom(target);
      }
    }
    if (params.has("s")) {
      search(params.get("s"));
    }
  }

  framesGroup.addEventListener("mouseover", function (event) {
    var frame = frameOf(event.target);
    if (frame) {
      details.textContent = describe(frame);
    }
  });
  framesGroup.addEventListener("mouseout", function (event) {
    if (frameOf(event.target)) {
      details.textContent = " ";
    }
  });
  framesGroup.addEventListener("click", function (event) {
    var frame = frameOf(event.target);
    if (frame) {
      zoom(frame);
    }
  });
  unzoomButton.addEventListener("click", unzoom);
  searchButton.addEventListener("click", function () {
    if (searchTerm !== null) {
      resetSearch();
    } else {
      askSearch();
    }
  });
  caseButton.addEventListener("click", toggleCase);
  window.addEventListener("keydown", function (event) {
    var withModifier = event.ctrlKey || event.metaKey;
    if (event.key === "F3" || (withModifier && (event.key === "f" || event.key === "F"))) {
      event.preventDefault();
      askSearch();
    } else if (withModifier && (event.key === "i" || event.key === "I")) {
      event.preventDefault();
      toggleCase();
    } else if (event.key === "Escape") {
      if (searchTerm !== null) {
        resetSearch();
      } else if (zoomed !== null) {
        unzoom();
      }
    }
  });
  restoreState();
})();
