// Runs the flame graph's inline script against a minimal stand-in for the browser DOM, so its
// behaviour can be tested with plain node (no browser, no npm packages).
// Usage: node script-harness.js DOM.json SCRIPT.js SCENARIO.js URL
// The scenario drives the page through the helpers below and calls report(key, value); each
// report becomes one "key=value" line on stdout.
"use strict";
const fs = require("fs");
const vm = require("vm");

const [domFile, scriptFile, scenarioFile, startUrl] = process.argv.slice(2);

class ClassList {
  constructor(element) { this.element = element; }
  names() { return (this.element.getAttribute("class") || "").split(/\s+/).filter(Boolean); }
  write(names) { this.element.setAttribute("class", names.join(" ")); }
  add(...names) { const current = this.names(); names.forEach(n => { if (!current.includes(n)) current.push(n); }); this.write(current); }
  remove(...names) { this.write(this.names().filter(n => !names.includes(n))); }
  contains(name) { return this.names().includes(name); }
  toggle(name, force) {
    const on = force === undefined ? !this.contains(name) : force;
    if (on) { this.add(name); } else { this.remove(name); }
    return on;
  }
}

class Element {
  constructor(json, parentNode) {
    this.localName = json.tag;
    this.attributes = new Map(Object.entries(json.attributes));
    this.parentNode = parentNode;
    this.ownText = json.text;
    this.listeners = {};
    this.children = json.children.map(child => new Element(child, this));
    this.classList = new ClassList(this);
  }
  getAttribute(name) { return this.attributes.has(name) ? this.attributes.get(name) : null; }
  setAttribute(name, value) { this.attributes.set(name, String(value)); }
  get textContent() { return this.ownText + this.children.map(c => c.textContent).join(""); }
  set textContent(value) { this.children = []; this.ownText = String(value); }
  addEventListener(type, listener) { (this.listeners[type] = this.listeners[type] || []).push(listener); }
  querySelector(tag) {
    for (const child of this.children) {
      if (child.localName === tag) { return child; }
      const found = child.querySelector(tag);
      if (found) { return found; }
    }
    return null;
  }
  find(predicate) {
    if (predicate(this)) { return this; }
    for (const child of this.children) {
      const found = child.find(predicate);
      if (found) { return found; }
    }
    return null;
  }
}

function dispatch(target, type, properties) {
  const event = Object.assign({
    type, target, defaultPrevented: false,
    preventDefault() { this.defaultPrevented = true; }
  }, properties || {});
  for (let node = target; node; node = node.parentNode) {
    (node.listeners[type] || []).forEach(listener => listener(event));
  }
  return event;
}

const root = new Element(JSON.parse(fs.readFileSync(domFile, "utf8")), null);
const location = new URL(startUrl);
const windowListeners = { listeners: {}, parentNode: null };
const window = {
  location,
  prompt: () => null,
  history: { replaceState(state, title, url) { location.href = new URL(url, location.href).href; } },
  addEventListener(type, listener) { Element.prototype.addEventListener.call(windowListeners, type, listener); }
};
const document = {
  documentElement: root,
  getElementById(id) { return root.find(e => e.getAttribute("id") === id); }
};

vm.runInNewContext(fs.readFileSync(scriptFile, "utf8"), { window, document, URLSearchParams, URL });

const helpers = {
  window, document, location,
  frame(name) {
    const frames = document.getElementById("frames").children;
    const group = frames.find(g => g.children[0].textContent.startsWith(name + " ("));
    if (!group) { throw new Error("no frame " + name); }
    return group;
  },
  rect(name) { return helpers.frame(name).children[1]; },
  label(name) { return helpers.frame(name).children[2].textContent; },
  // What the stylesheet makes of a frame: "ancestor", "hide" (outside the zoomed subtree) or "".
  state(name) {
    const group = helpers.frame(name);
    const own = (group.getAttribute("class") || "").split(" ");
    if (own.includes("ancestor")) { return "ancestor"; }
    const zoomed = (document.getElementById("frames").getAttribute("class") || "").split(" ").includes("zoomed");
    return zoomed && !own.includes("zoom") ? "hide" : "";
  },
  click(element) { dispatch(element, "click"); },
  hover(element) { dispatch(element, "mouseover"); },
  key(properties) { return dispatch(windowListeners, "keydown", properties); },
  byId(id) { return document.getElementById(id); },
  report(key, value) { process.stdout.write(key + "=" + String(value).replace(/\n/g, "\\n") + "\n"); }
};
vm.runInNewContext(fs.readFileSync(scenarioFile, "utf8"), helpers);
