// sphinx-spec: make the nodes of each spec graph links to their specs.
// The graph's list (ul.spec-graph-links) holds one link per node; its item's
// class names the Mermaid node (spec-graph-node-s0). Once Mermaid has drawn the
// SVG, each node is wrapped in an SVG <a> with the same href.
(function () {
  "use strict";
  var SVG_NS = "http://www.w3.org/2000/svg";
  var XLINK_NS = "http://www.w3.org/1999/xlink";

  function nodeLinks(graph) {
    var links = {};
    graph.querySelectorAll("ul.spec-graph-links > li").forEach(function (item) {
      var match = /spec-graph-node-(s\d+)/.exec(item.className);
      var anchor = item.querySelector("a[href]");
      if (match && anchor) {
        links[match[1]] = anchor;
      }
    });
    return links;
  }

  function linkNodes(graph, svg) {
    var links = nodeLinks(graph);
    svg.querySelectorAll("g.node").forEach(function (node) {
      var match = /flowchart-(s\d+)-\d+$/.exec(node.id || "");
      var source = match && links[match[1]];
      if (!source || (node.parentNode && node.parentNode.localName === "a")) {
        return;
      }
      var wrapper = document.createElementNS(SVG_NS, "a");
      wrapper.setAttribute("href", source.getAttribute("href"));
      wrapper.setAttributeNS(XLINK_NS, "xlink:href", source.getAttribute("href"));
      var title = document.createElementNS(SVG_NS, "title");
      title.textContent = source.textContent;
      wrapper.appendChild(title);
      node.parentNode.insertBefore(wrapper, node);
      wrapper.appendChild(node);
      node.style.cursor = "pointer";
    });
  }

  function watch(graph) {
    var diagram = graph.querySelector(".mermaid");
    if (!diagram) {
      return;
    }
    var done = function () {
      var svg = diagram.querySelector("svg");
      if (svg && svg.querySelector("g.node")) {
        linkNodes(graph, svg);
        return true;
      }
      return false;
    };
    done();
    // Keep watching: themes that switch light/dark make Mermaid draw the graph again.
    var observer = new MutationObserver(done);
    observer.observe(diagram, { childList: true, subtree: true });
  }

  function start() {
    document.querySelectorAll("div.spec-graph").forEach(watch);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
