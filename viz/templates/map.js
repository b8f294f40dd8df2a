(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kb-map-data").textContent);
  var agreements = data.agreements, sources = data.sources;
  window.kbMap = { ready: false, readyAt: null, nodes: data.nodes.length, edges: data.edges.length };

  // A tooltip is put together from HTML fragments that kb.viz.tooltips escaped; the only
  // markup added here is fixed. vis-network shows a string title as plain text and an element
  // as HTML, so each item gets an empty element, filled when its tooltip is first shown:
  // parsing thousands of tooltips up front would delay the first drawing by seconds.
  function tipHtml(item) {
    var html = item.tip || "";
    if (item.ag && item.ag.length) {
      html += "<ul>";
      for (var i = 0; i < item.ag.length; i++) {
        var a = agreements[item.ag[i]];
        html += "<li>" + a[0];
        if (a[1].length) {
          html += "<br><small>Sources: " + a[1].map(function (j) { return sources[j]; }).join("; ") + "</small>";
        }
        html += "</li>";
      }
      if (item.more) { html += "<li>\u2026 and " + item.more + " more</li>"; }
      html += "</ul>";
    }
    return html;
  }
  function withTitles(items) {
    for (var i = 0; i < items.length; i++) {
      var el = document.createElement("div");
      el.className = "kb-tip";
      el.kbItem = items[i];
      items[i].title = el;
    }
    return items;
  }

  var nodes = new vis.DataSet(withTitles(data.nodes));
  var edges = new vis.DataSet(withTitles(data.edges));
  var container = document.getElementById("map");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
  window.network = network;

  network.on("showPopup", function () {
    var frame = container.querySelector("div.vis-tooltip");
    var el = frame && frame.firstElementChild;
    if (!el || !el.kbItem) { return; }
    if (!el.hasChildNodes()) { el.innerHTML = tipHtml(el.kbItem); }
    // vis-network placed the frame while it was empty: keep it inside the map.
    var left = parseFloat(frame.style.left) || 0, top = parseFloat(frame.style.top) || 0;
    var maxLeft = container.clientWidth - frame.offsetWidth - 4;
    var maxTop = container.clientHeight - frame.offsetHeight - 4;
    frame.style.left = Math.max(0, Math.min(left, maxLeft)) + "px";
    frame.style.top = Math.max(0, Math.min(top, maxTop)) + "px";
  });

  function markReady() {
    window.kbMap.ready = true;
    window.kbMap.readyAt = performance.now();
    document.documentElement.setAttribute("data-ready", "true");
  }
  if (data.physics) {
    network.once("stabilizationIterationsDone", function () {
      network.once("afterDrawing", markReady);
      network.redraw();
    });
  } else {
    network.once("afterDrawing", markReady);
  }

  var details = document.getElementById("details");
  var body = document.getElementById("details-body");
  network.on("click", function (params) {
    var item = params.nodes.length ? nodes.get(params.nodes[0])
      : params.edges.length ? edges.get(params.edges[0]) : null;
    if (item) {
      body.innerHTML = tipHtml(item);
      details.hidden = false;
    } else {
      details.hidden = true;
    }
  });
  document.getElementById("close").addEventListener("click", function () { details.hidden = true; });
  document.getElementById("fit").addEventListener("click", function () { network.fit(); });
})();
