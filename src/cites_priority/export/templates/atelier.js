/* L'atelier de cites-priority: weights and constraints in, exact selection out.
 *
 * Mirrors the engine: scoring.weighted (weighted sum of the normalised indicators, family
 * means over the known indicators), selection.milp (objective (score + 1e-7 (n - rank) / n)
 * x 1e4, exactly n cités, the logements window, EPCI bounds, forced cités, mip_rel_gap 0)
 * and selection.phases (score_then_half, balanced_milp). No network request is made.
 */
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("atelier-data").textContent);
  var S = D.scenario;
  var SEL = S.selection;
  var N = D.cites.length;
  var FAMS = D.families.map(function (f) { return f.name; });
  var INDS = D.indicators;
  var EPS = 1e-7, SCALE = 1e4, TOP = 100;
  var WEIGHTED = D.method === "weighted_sum" && D.matrix !== null;
  var body = document.body;
  var highs = null;
  var state = null;
  var last = null;
  var byId = {};
  D.cites.forEach(function (c, i) { byId[c.id] = i; });

  function $(id) { return document.getElementById(id); }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }
  function fr(v, d) {
    if (v === null || v === undefined || isNaN(v)) { return "—"; }
    return v.toLocaleString("fr-FR", { minimumFractionDigits: d || 0, maximumFractionDigits: d || 0 });
  }

  // ---- state <-> URL fragment ----------------------------------------------------------
  function defaults() {
    var fw = {}, iw = {};
    FAMS.forEach(function (f) { fw[f] = S.criteria[f].weight; });
    INDS.forEach(function (ind) { iw[ind.name] = S.criteria[ind.family].indicators[ind.name].weight; });
    return {
      fw: fw, iw: iw, n: SEL.n_cites, lo: SEL.logements_min, hi: SEL.logements_max,
      emin: Object.assign({}, SEL.epci_min), emax: Object.assign({}, SEL.epci_max),
      fin: SEL.force_in.slice(), fout: SEL.force_out.slice()
    };
  }
  function pairs(text) {
    var out = {};
    text.split(",").forEach(function (p) {
      var k = p.lastIndexOf(":");
      if (k > 0) { out[decodeURIComponent(p.slice(0, k))] = Number(p.slice(k + 1)); }
    });
    return out;
  }
  function ids(text) {
    return text.split(",").filter(function (t) { return t !== ""; }).map(Number)
      .filter(function (v) { return byId[v] !== undefined; });
  }
  function fromHash(hash) {
    var st = defaults();
    var h = (hash || "").replace(/^#/, "");
    if (!h) { return st; }
    h.split("&").forEach(function (part) {
      var eq = part.indexOf("=");
      if (eq < 0) { return; }
      var key = part.slice(0, eq), val = decodeURIComponent(part.slice(eq + 1));
      if (key === "w") {
        var w = pairs(val), tot = 0;
        FAMS.forEach(function (f) { if (w[f] !== undefined && isFinite(w[f]) && w[f] >= 0) { tot += w[f]; } });
        if (tot > 0) { FAMS.forEach(function (f) { st.fw[f] = (w[f] !== undefined && w[f] >= 0) ? w[f] / tot : 0; }); }
      } else if (key === "iw") {
        var iw = pairs(val);
        Object.keys(iw).forEach(function (k) { if (st.iw[k] !== undefined && iw[k] >= 0) { st.iw[k] = iw[k]; } });
      } else if (key === "n") {
        st.n = Math.max(1, Math.round(Number(val)));
      } else if (key === "l") {
        var lh = val.split("-").map(Number);
        if (lh.length === 2 && lh[0] <= lh[1]) { st.lo = lh[0]; st.hi = lh[1]; }
      } else if (key === "in") {
        st.fin = ids(val);
      } else if (key === "out") {
        st.fout = ids(val);
      } else if (key === "emin") {
        st.emin = pairs(val);
      } else if (key === "emax") {
        st.emax = pairs(val);
      }
    });
    st.fout = st.fout.filter(function (c) { return st.fin.indexOf(c) < 0; });
    return st;
  }
  function numText(v) { return String(v); }
  function toHash(st) {
    var parts = [];
    parts.push("w=" + FAMS.map(function (f) { return f + ":" + numText(st.fw[f]); }).join(","));
    var dflt = defaults();
    var changed = INDS.filter(function (ind) { return st.iw[ind.name] !== dflt.iw[ind.name]; });
    if (changed.length) {
      parts.push("iw=" + changed.map(function (ind) { return ind.name + ":" + numText(st.iw[ind.name]); }).join(","));
    }
    parts.push("n=" + st.n);
    parts.push("l=" + st.lo + "-" + st.hi);
    if (st.fin.length) { parts.push("in=" + st.fin.slice().sort(function (a, b) { return a - b; }).join(",")); }
    if (st.fout.length) { parts.push("out=" + st.fout.slice().sort(function (a, b) { return a - b; }).join(",")); }
    var kv = function (o) { return Object.keys(o).sort().map(function (k) { return encodeURIComponent(k) + ":" + o[k]; }).join(","); };
    if (Object.keys(st.emin).length) { parts.push("emin=" + kv(st.emin)); }
    if (Object.keys(st.emax).length) { parts.push("emax=" + kv(st.emax)); }
    return parts.join("&");
  }

  // ---- scoring (scoring.weighted) --------------------------------------------------------
  function scores(st) {
    if (!WEIGHTED) { return D.cites.map(function (c) { return c.score === null ? 0 : c.score; }); }
    var ftot = 0;
    FAMS.forEach(function (f) { ftot += st.fw[f]; });
    var itot = {};
    FAMS.forEach(function (f) { itot[f] = 0; });
    INDS.forEach(function (ind) { itot[ind.family] += st.iw[ind.name]; });
    var k = INDS.length;
    var fpos = INDS.map(function (ind) { return FAMS.indexOf(ind.family); });
    var wf = FAMS.map(function (f) { return ftot > 0 ? st.fw[f] / ftot : 0; });
    var v = INDS.map(function (ind) { return itot[ind.family] > 0 ? st.iw[ind.name] / itot[ind.family] : 0; });
    var out = new Float64Array(N);
    var den = new Float64Array(FAMS.length);
    for (var i = 0; i < N; i++) {
      var row = D.matrix[i];
      den.fill(0);
      for (var j = 0; j < k; j++) { if (row[j] !== null) { den[fpos[j]] += v[j]; } }
      var s = 0;
      for (j = 0; j < k; j++) {
        var f = fpos[j];
        var u = row[j] === null ? 0 : row[j];
        var safe = den[f] > 0 ? den[f] : 1;
        s += wf[f] * u * v[j] / safe;
      }
      out[i] = Math.min(1, Math.max(0, s));
    }
    return Array.prototype.slice.call(out);
  }
  function rint(x) {
    var r = Math.round(x);
    if (Math.abs(x - Math.trunc(x)) === 0.5) { r = 2 * Math.round(x / 2); }
    return r;
  }
  function ranks(s) {
    // cités are in cite_id order, so the tie-break is the position
    var r12 = s.map(function (x) { return rint(x * 1e12) / 1e12; });
    var order = s.map(function (_, i) { return i; });
    order.sort(function (a, b) { return r12[b] - r12[a] || a - b; });
    var rank = new Array(N);
    order.forEach(function (i, p) { rank[i] = p + 1; });
    return rank;
  }

  // ---- selection (selection.milp) ---------------------------------------------------------
  function lg(i) { var v = D.cites[i].logements; return v === null ? 0 : v; }
  function check(st) {
    var fin = {}, fout = {};
    st.fin.forEach(function (c) { fin[byId[c]] = true; });
    st.fout.forEach(function (c) { fout[byId[c]] = true; });
    var avail = 0, nfi = 0, base = 0, rest = [];
    for (var i = 0; i < N; i++) {
      var out = fout[i] || D.cites[i].logements === null;
      if (!out) { avail++; }
      if (fin[i] && !out) { nfi++; base += lg(i); } else if (!out) { rest.push(lg(i)); }
    }
    if (avail < st.n) { return "seules " + avail + " cités peuvent être retenues : baissez le nombre de cités ou libérez des cités exclues."; }
    if (nfi > st.n) { return nfi + " cités sont imposées, plus que le nombre de cités (" + st.n + ") : augmentez-le ou libérez des cités."; }
    rest.sort(function (a, b) { return a - b; });
    var need = st.n - nfi, small = base, large = base;
    for (var j = 0; j < need; j++) { small += rest[j]; large += rest[rest.length - 1 - j]; }
    if (small > st.hi) { return "les " + st.n + " plus petites cités comptent déjà " + fr(small) + " logements, plus que le maximum (" + fr(st.hi) + ") : relevez le maximum ou baissez le nombre de cités."; }
    if (large < st.lo) { return "les " + st.n + " plus grandes cités ne comptent que " + fr(large) + " logements, moins que le minimum (" + fr(st.lo) + ") : baissez le minimum ou augmentez le nombre de cités."; }
    return null;
  }
  function solve(s, rank, st) {
    var n = N;
    var c = new Float64Array(n), lo = new Float64Array(n), up = new Float64Array(n);
    var fin = {}, fout = {};
    st.fin.forEach(function (id) { fin[byId[id]] = true; });
    st.fout.forEach(function (id) { fout[byId[id]] = true; });
    for (var i = 0; i < n; i++) {
      c[i] = -((s[i] + EPS * (n - rank[i]) / Math.max(n, 1)) * SCALE);
      var out = fout[i] || D.cites[i].logements === null;
      lo[i] = fin[i] && !out ? 1 : 0;
      up[i] = out ? 0 : 1;
    }
    var codes = Object.keys(Object.assign({}, st.emin, st.emax)).sort();
    var rowLo = [st.n, st.lo], rowUp = [st.n, st.hi];
    codes.forEach(function (code) {
      rowLo.push(st.emin[code] !== undefined ? st.emin[code] : 0);
      rowUp.push(st.emax[code] !== undefined ? st.emax[code] : n);
    });
    var starts = new Int32Array(n + 1), idx = [], val = [];
    for (i = 0; i < n; i++) {
      starts[i] = idx.length;
      idx.push(0); val.push(1);
      if (lg(i) !== 0) { idx.push(1); val.push(lg(i)); }
      var pos = codes.indexOf(D.cites[i].epci);
      if (pos >= 0) { idx.push(2 + pos); val.push(1); }
    }
    starts[n] = idx.length;
    var model = highs.createModel({
      numCols: n, numRows: rowLo.length,
      colCost: c, colLower: lo, colUpper: up,
      rowLower: new Float64Array(rowLo), rowUpper: new Float64Array(rowUp),
      matrix: { format: "csc", numRows: rowLo.length, numCols: n, starts: starts,
                indices: new Int32Array(idx), values: new Float64Array(val) },
      integrality: new Int32Array(n).fill(1)
    });
    try {
      model.options.set({ output_flag: false, mip_rel_gap: 0 });
      model.run();
      var status = model.getModelStatus();
      if (status !== highs.constants.modelStatus.optimal) { return null; }
      var x = model.getSolution().colValue;
      var chosen = [];
      for (i = 0; i < n; i++) { if (x[i] > 0.5) { chosen.push(i); } }
      return chosen;
    } finally {
      model.dispose();
    }
  }

  // ---- phases (selection.phases) -----------------------------------------------------------
  function phases(chosen, s) {
    var count = (SEL.phases && SEL.phases.count) || 2;
    var rule = (SEL.phases && SEL.phases.rule) || "score_then_half";
    var order = chosen.slice().sort(function (a, b) { return (s[b] - s[a]) || (D.cites[a].id - D.cites[b].id); });
    var w = order.map(lg);
    var total = w.reduce(function (a, b) { return a + b; }, 0);
    var out = {};
    if (rule === "balanced_milp" && count === 2) {
      var wi = w.map(Math.round), tot = wi.reduce(function (a, b) { return a + b; }, 0);
      var reach = [new Uint8Array(tot + 1)];
      reach[0][0] = 1;
      wi.forEach(function (x, i) {
        var r = reach[i].slice();
        for (var t = tot; t >= x; t--) { if (reach[i][t - x]) { r[t] = 1; } }
        reach.push(r);
      });
      var best = -1, gap = Infinity;
      for (var t = 0; t <= tot; t++) {
        if (reach[wi.length][t] && Math.abs(2 * t - tot) < gap) { gap = Math.abs(2 * t - tot); best = t; }
      }
      var side = wi.map(function () { return 1; });
      for (var i = wi.length - 1; i >= 0; i--) {
        if (!reach[i][best]) { side[i] = 0; best -= wi[i]; }
      }
      var means = [0, 1].map(function (p) {
        var m = order.filter(function (_, k) { return side[k] === p; });
        return m.length ? m.reduce(function (a, k) { return a + s[k]; }, 0) / m.length : -Infinity;
      });
      var first = means[1] > means[0] ? 1 : 0;  // stable: ties keep group 0 first
      order.forEach(function (k, pos) { out[k] = side[pos] === first ? 1 : 2; });
      return out;
    }
    var cum = 0, p = 1;
    order.forEach(function (k, pos) {
      var before = cum;
      cum += w[pos];
      var target = total * p / count;
      if (p < count && before >= target - 1e-9) { p += 1; }
      else if (p < count && cum > target && (cum - target) > (target - before)) { p += 1; }
      out[k] = p;
    });
    return out;
  }

  // ---- rendering -----------------------------------------------------------------------------
  var map = null, layer = null;
  function style(feature) {
    var i = byId[feature.properties.id];
    var ph = last && last.phase[i] ? last.phase[i] : 0;
    var id = feature.properties.id;
    var forcedIn = state.fin.indexOf(id) >= 0, forcedOut = state.fout.indexOf(id) >= 0;
    return {
      color: forcedIn ? "#238b45" : (forcedOut ? "#a50f15" : "#555"),
      weight: forcedIn || forcedOut ? 3 : 0.6,
      dashArray: forcedOut ? "4 3" : null,
      fillColor: D.phase_colours[String(ph)],
      fillOpacity: ph ? 0.85 : 0.45
    };
  }
  function cycle(id) {
    if (state.fin.indexOf(id) >= 0) {
      state.fin = state.fin.filter(function (c) { return c !== id; });
      state.fout.push(id);
    } else if (state.fout.indexOf(id) >= 0) {
      state.fout = state.fout.filter(function (c) { return c !== id; });
    } else {
      state.fin.push(id);
    }
    changed();
  }
  function buildMap() {
    map = L.map("map", { preferCanvas: true, attributionControl: false, zoomSnap: 0.25 });
    if (D.epci_outlines) {
      L.geoJSON(D.epci_outlines, { interactive: false,
        style: { color: "#737373", weight: 1, fill: false, dashArray: "3 3" } }).addTo(map);
    }
    layer = L.geoJSON(D.geo, { style: style, onEachFeature: function (f, l) {
      var c = D.cites[byId[f.properties.id]];
      l.bindTooltip(function () {
        var i = byId[f.properties.id];
        return "<b>" + esc(c.name) + "</b><br>" + esc(c.communes) + "<br>Rang " +
          (last ? last.rank[i] : "—") + " · " + fr(c.logements) + " logements";
      });
      l.on("click", function () { cycle(f.properties.id); });
    } }).addTo(map);
    map.fitBounds(layer.getBounds());
    window.atelierMap = { map: map, layer: layer };
  }
  function forcedList() {
    var items = state.fin.map(function (id) { return [id, "imposée"]; })
      .concat(state.fout.map(function (id) { return [id, "exclue"]; }));
    $("forcees").innerHTML = items.length ? "<ul>" + items.map(function (it) {
      return "<li>" + esc(D.cites[byId[it[0]]].name) + " — " + it[1] + "</li>";
    }).join("") + "</ul>" : '<p class="note">Aucune.</p>';
  }
  function render(res) {
    var tbody = $("selection").tBodies[0];
    var rowsSel = [], rowsAll = [];
    var order = D.cites.map(function (_, i) { return i; });
    order.sort(function (a, b) { return res.rank[a] - res.rank[b]; });
    var chosen = res.chosen ? res.chosen.slice().sort(function (a, b) {
      return (res.phase[a] - res.phase[b]) || (res.rank[a] - res.rank[b]);
    }) : [];
    chosen.forEach(function (i) {
      var c = D.cites[i];
      var cls = state.fin.indexOf(c.id) >= 0 ? ' class="imposee"' : "";
      rowsSel.push('<tr data-cite-id="' + c.id + '"' + cls + "><td>" + res.phase[i] + '</td><td class="nom">' +
        esc(c.name) + "</td><td>" + esc(c.communes) + '</td><td class="num">' + fr(c.logements) +
        '</td><td class="num">' + fr(res.s[i], 3) + '</td><td class="num">' + res.rank[i] + "</td></tr>");
    });
    tbody.innerHTML = rowsSel.join("");
    var filter = $("filtre").value.trim().toLowerCase();
    var all = $("tout").checked;
    order.forEach(function (i) {
      var c = D.cites[i];
      if (filter && (c.name + " " + c.communes).toLowerCase().indexOf(filter) < 0) { return; }
      var f = state.fin.indexOf(c.id) >= 0 ? "in" : (state.fout.indexOf(c.id) >= 0 ? "out" : "");
      // without a filter, the first TOP ranks plus every selected or forced cité
      if (!filter && !all && res.rank[i] > TOP && !res.phase[i] && !f) { return; }
      var cls = [res.phase[i] ? "retenue" : "", f === "in" ? "imposee" : "", f === "out" ? "exclue" : ""].join(" ").trim();
      rowsAll.push('<tr data-cite-id="' + c.id + '" class="' + cls + '"><td class="num">' + res.rank[i] +
        '</td><td class="nom">' + esc(c.name) + "</td><td>" + esc(c.communes) + '</td><td class="num">' +
        fr(c.logements) + '</td><td class="num">' + fr(res.s[i], 3) + "</td><td>" +
        (res.phase[i] ? "Phase " + res.phase[i] : "") + "</td><td>" + (c.mission ? "oui" : "") +
        '</td><td><button type="button" class="forcer" data-force="' + c.id + '" title="Imposer, exclure, libérer">' +
        (f === "in" ? "imposée" : (f === "out" ? "exclue" : "—")) + "</button></td></tr>");
    });
    $("classement").tBodies[0].innerHTML = rowsAll.join("");
    if (layer) {
      // restyle only the outlines whose phase or forcing changed (canvas redraws are costly)
      layer.eachLayer(function (l) {
        var id = l.feature.properties.id, i = byId[id];
        var key = res.phase[i] + (state.fin.indexOf(id) >= 0 ? "i" : (state.fout.indexOf(id) >= 0 ? "o" : ""));
        if (l._atelierKey !== key) { l._atelierKey = key; l.setStyle(style(l.feature)); }
      });
    }
    forcedList();
  }
  function figures(res) {
    var chosen = res.chosen || [];
    var logts = chosen.reduce(function (a, i) { return a + lg(i); }, 0);
    var total = chosen.reduce(function (a, i) { return a + res.s[i]; }, 0);
    var mission = D.cites.filter(function (c) { return c.mission; });
    var common = chosen.filter(function (i) { return D.cites[i].mission; });
    var mLog = mission.reduce(function (a, c) { return a + (c.logements || 0); }, 0);
    var cLog = common.reduce(function (a, i) { return a + lg(i); }, 0);
    var p1 = chosen.filter(function (i) { return res.phase[i] === 1; }).reduce(function (a, i) { return a + lg(i); }, 0);
    var html = "<div>Cités retenues <b>" + chosen.length + "</b></div>" +
      "<div>Logements <b>" + fr(logts) + "</b> (phase 1 : " + fr(p1) + ", phase 2 : " + fr(logts - p1) + ")</div>" +
      "<div>Score total <b>" + fr(total, 3) + "</b></div>";
    if (mission.length) {
      html += "<div>Liste 2016 : <b>" + common.length + " / " + mission.length + "</b> cités en commun (" +
        fr(100 * cLog / (mLog || 1)) + " % de ses logements)</div>";
    }
    $("chiffres").innerHTML = html;
    // what changed against the run's own selection, and the 2016 list's cités left out
    var now = {};
    chosen.forEach(function (i) { now[i] = true; });
    var item = function (i, kind) {
      return '<li data-cite-id="' + D.cites[i].id + '" data-kind="' + kind + '">' + esc(D.cites[i].name) +
        " <span class=\"note\">(" + esc(D.cites[i].communes) + ", rang " + res.rank[i] + ")</span></li>";
    };
    var enter = [], leave = [], missed = [];
    D.cites.forEach(function (c, i) {
      if (now[i] && !c.selected) { enter.push(item(i, "entre")); }
      if (!now[i] && c.selected) { leave.push(item(i, "sort")); }
      if (!now[i] && c.mission) { missed.push(item(i, "liste2016")); }
    });
    var block = function (title, items) {
      return items.length ? "<div><b>" + title + " (" + items.length + ")</b><ul>" + items.join("") + "</ul></div>" : "";
    };
    $("changements").innerHTML = (enter.length || leave.length
      ? block("Entrent par rapport au calcul", enter) + block("Sortent par rapport au calcul", leave)
      : '<p class="note">Même sélection que le calcul.</p>') +
      block("Cités de la liste 2016 non retenues", missed);
  }

  // ---- the loop --------------------------------------------------------------------------------
  function compute() {
    var t0 = performance.now();
    body.dataset.state = "computing";
    var s = scores(state);
    var rank = ranks(s);
    var problem = check(state);
    var t1 = performance.now();
    var chosen = problem ? null : solve(s, rank, state);
    var t2 = performance.now();
    var phase = new Array(N).fill(0);
    if (chosen) {
      var ph = phases(chosen, s);
      chosen.forEach(function (i) { phase[i] = ph[i]; });
    }
    last = { s: s, rank: rank, chosen: chosen, phase: phase };
    render(last);
    figures(last);
    var ms = performance.now() - t0;
    body.dataset.scoreMs = (t1 - t0).toFixed(1);
    body.dataset.solveMs = (t2 - t1).toFixed(1);
    var etat = $("etat");
    if (!chosen) {
      etat.className = "infaisable";
      etat.textContent = "Aucune sélection ne respecte toutes les contraintes : " +
        (problem || "élargissez l'enveloppe de logements, assouplissez les bornes par EPCI ou libérez des cités imposées.");
      body.dataset.state = "infeasible";
    } else {
      etat.className = "";
      etat.textContent = "Sélection exacte recalculée en " + fr(ms) + " ms (" + N + " cités, HiGHS).";
      body.dataset.state = "ready";
    }
    body.dataset.computeMs = ms.toFixed(1);
    return ms;
  }
  var pending = false, writing = false;
  function changed() {
    writing = true;
    try { history.replaceState(null, "", "#" + toHash(state)); } catch (e) { /* file:// may refuse */ }
    writing = false;
    syncInputs();
    if (!pending) {
      pending = true;
      body.dataset.state = "computing";
      setTimeout(function () { pending = false; compute(); }, 0);
    }
  }

  // ---- inputs ------------------------------------------------------------------------------------
  function slider(parent, key, label, get, set) {
    var div = document.createElement("div");
    div.className = "curseur";
    var id = "poids-" + key;
    div.innerHTML = '<label for="' + id + '">' + esc(label) + '</label><input type="range" id="' + id +
      '" min="0" max="1" step="0.01"><output for="' + id + '"></output>';
    parent.appendChild(div);
    var input = div.querySelector("input"), out = div.querySelector("output");
    input.disabled = !WEIGHTED;
    input.addEventListener("input", function () { set(Number(input.value)); changed(); });
    return function () { var v = get(); input.value = v; out.textContent = fr(v, 2); };
  }
  var syncers = [];
  function syncInputs() {
    syncers.forEach(function (f) { f(); });
    $("n-cites").value = state.n;
    $("log-min").value = state.lo;
    $("log-max").value = state.hi;
    document.querySelectorAll("[data-emin]").forEach(function (el) {
      var v = state.emin[el.dataset.emin]; el.value = v === undefined ? "" : v;
    });
    document.querySelectorAll("[data-emax]").forEach(function (el) {
      var v = state.emax[el.dataset.emax]; el.value = v === undefined ? "" : v;
    });
  }
  function buildInputs() {
    FAMS.forEach(function (f, k) {
      syncers.push(slider($("familles"), f, D.families[k].label,
        function () { return state.fw[f]; }, function (v) { state.fw[f] = v; }));
    });
    FAMS.forEach(function (f, k) {
      var fs = document.createElement("fieldset");
      fs.innerHTML = "<legend>" + esc(D.families[k].label) + "</legend>";
      $("indicateurs").appendChild(fs);
      INDS.filter(function (ind) { return ind.family === f; }).forEach(function (ind) {
        syncers.push(slider(fs, ind.name, ind.label,
          function () { return state.iw[ind.name]; }, function (v) { state.iw[ind.name] = v; }));
      });
    });
    if (D.unavailable && D.unavailable.length) {
      var note = document.createElement("p");
      note.className = "note";
      note.textContent = "Indicateurs indisponibles dans les données (poids redistribué par le calcul) : " +
        D.unavailable.map(function (u) { return u.label + (u.note ? " (" + u.note + ")" : ""); }).join(" ; ") + ".";
      $("indicateurs").appendChild(note);
    }
    if (!WEIGHTED) {
      $("methode-note").textContent = "Méthode d'agrégation « " + D.method + " » : les scores sont ceux " +
        "calculés par le moteur et ne changent pas avec les poids dans cette page ; les contraintes " +
        "de sélection restent modifiables.";
    }
    [["n-cites", "n"], ["log-min", "lo"], ["log-max", "hi"]].forEach(function (p) {
      $(p[0]).addEventListener("change", function () {
        var v = Number($(p[0]).value);
        if (isFinite(v) && v >= 0) { state[p[1]] = p[1] === "n" ? Math.max(1, Math.round(v)) : v; changed(); }
      });
    });
    var codes = {};
    D.cites.forEach(function (c) { if (c.epci) { codes[c.epci] = true; } });
    $("epci-table").innerHTML = Object.keys(codes).sort().map(function (code) {
      return "<tr><td>" + esc(D.epci[code] || code) + '</td><td><input type="number" min="0" step="1" data-emin="' +
        esc(code) + '" aria-label="minimum"></td><td><input type="number" min="0" step="1" data-emax="' + esc(code) +
        '" aria-label="maximum"></td></tr>';
    }).join("");
    document.querySelectorAll("[data-emin],[data-emax]").forEach(function (el) {
      el.addEventListener("change", function () {
        var key = el.dataset.emin !== undefined ? "emin" : "emax";
        var code = el.dataset.emin !== undefined ? el.dataset.emin : el.dataset.emax;
        if (el.value === "") { delete state[key][code]; } else { state[key][code] = Math.max(0, Math.round(Number(el.value))); }
        changed();
      });
    });
    $("classement").addEventListener("click", function (ev) {
      var el = ev.target;
      if (el.dataset && el.dataset.force) { cycle(Number(el.dataset.force)); }
    });
    $("filtre").addEventListener("input", function () { if (last) { render(last); } });
    $("tout").addEventListener("change", function () { if (last) { render(last); } });
    $("liberer").addEventListener("click", function () { state.fin = []; state.fout = []; changed(); });
    $("reinitialiser").addEventListener("click", function () { state = defaults(); changed(); });
    $("telecharger").addEventListener("click", download);
    $("frontiere-calcul").addEventListener("click", recomputeFrontier);
    window.addEventListener("hashchange", function () {
      if (!writing) { state = fromHash(location.hash); syncInputs(); compute(); }
    });
  }

  // ---- trade-off frontier for the current settings (selection.frontier) --------------------------
  function frontierPoints(s, rank, st, done) {
    var jobs = [];
    for (var b = 8000; b <= 20000; b += 500) { jobs.push(["logements", b, Object.assign({}, st, { lo: 0, hi: b })]); }
    for (var k = Math.max(1, st.n - 10); k <= st.n + 10; k++) { jobs.push(["n_cites", k, Object.assign({}, st, { n: k })]); }
    var out = [];
    function next() {
      if (!jobs.length) { done(out); return; }
      var job = jobs.shift();
      var chosen = check(job[2]) ? null : solve(s, rank, job[2]);
      out.push({ axis: job[0], value: job[1], feasible: !!chosen,
                 score: chosen ? chosen.reduce(function (a, i) { return a + s[i]; }, 0) : null });
      $("frontiere-etat").textContent = "Calcul : " + out.length + " / " + (out.length + jobs.length) + " points…";
      setTimeout(next, 0);
    }
    next();
  }
  function panel(points, axis, label, x0, point, w, h) {
    var pts = points.filter(function (p) { return p.axis === axis; });
    var ok = pts.filter(function (p) { return p.feasible; });
    var ys = ok.map(function (p) { return p.score; }).concat(point ? [point[1]] : []);
    var xs = pts.map(function (p) { return p.value; });
    var xmin = Math.min.apply(null, xs), xmax = Math.max.apply(null, xs);
    var ymin = ys.length ? Math.min.apply(null, ys) : 0, ymax = ys.length ? Math.max.apply(null, ys) : 1;
    if (ymax === ymin) { ymax = ymin + 1; }
    var L = x0 + 48, R = x0 + w - 8, T = 10, B = h - 34;
    function X(v) { return L + (v - xmin) / ((xmax - xmin) || 1) * (R - L); }
    function Y(v) { return B - (v - ymin) / (ymax - ymin) * (B - T); }
    var g = '<line x1="' + L + '" y1="' + B + '" x2="' + R + '" y2="' + B + '" stroke="#555"/>' +
      '<line x1="' + L + '" y1="' + T + '" x2="' + L + '" y2="' + B + '" stroke="#555"/>';
    g += '<polyline fill="none" stroke="#08519c" stroke-width="1.5" points="' +
      ok.map(function (p) { return X(p.value).toFixed(1) + "," + Y(p.score).toFixed(1); }).join(" ") + '"/>';
    ok.forEach(function (p) {
      g += '<circle cx="' + X(p.value).toFixed(1) + '" cy="' + Y(p.score).toFixed(1) + '" r="2" fill="#08519c"><title>' +
        fr(p.value) + " : " + fr(p.score, 3) + "</title></circle>";
    });
    pts.filter(function (p) { return !p.feasible; }).forEach(function (p) {
      var x = X(p.value), y = B - 4;
      g += '<path d="M' + (x - 3) + "," + (y - 3) + "l6,6m0,-6l-6,6" + '" stroke="#969696"><title>' + fr(p.value) + " : infaisable</title></path>";
    });
    if (point) { g += '<circle cx="' + X(point[0]).toFixed(1) + '" cy="' + Y(point[1]).toFixed(1) + '" r="4" fill="#bd0026"/>'; }
    g += '<text x="' + ((L + R) / 2) + '" y="' + (h - 6) + '" text-anchor="middle" font-size="11">' + label + "</text>";
    g += '<text x="' + L + '" y="' + (B + 13) + '" font-size="10">' + fr(xmin) + "</text>";
    g += '<text x="' + R + '" y="' + (B + 13) + '" font-size="10" text-anchor="end">' + fr(xmax) + "</text>";
    g += '<text x="' + (L - 4) + '" y="' + (T + 8) + '" font-size="10" text-anchor="end">' + fr(ymax, 2) + "</text>";
    g += '<text x="' + (L - 4) + '" y="' + B + '" font-size="10" text-anchor="end">' + fr(ymin, 2) + "</text>";
    return g;
  }
  function drawFrontier(points, res) {
    var chosen = res.chosen || [];
    var logts = chosen.reduce(function (a, i) { return a + lg(i); }, 0);
    var total = chosen.reduce(function (a, i) { return a + res.s[i]; }, 0);
    var w = 300, h = 220;
    $("frontiere").innerHTML = '<svg id="frontiere-svg" viewBox="0 0 ' + (2 * w) + " " + h + '" width="100%" role="img" ' +
      'aria-label="Frontière de compromis pour les réglages actuels">' +
      panel(points, "logements", "Plafond de logements", 0, chosen.length ? [logts, total] : null, w, h) +
      panel(points, "n_cites", "Nombre de cités", w, chosen.length ? [chosen.length, total] : null, w, h) + "</svg>" +
      '<p class="note">Réglages actuels : meilleur score total exact pour chaque plafond de logements ' +
      "(" + state.n + " cités) et chaque nombre de cités (enveloppe " + fr(state.lo) + "–" + fr(state.hi) +
      ") ; point rouge : la sélection affichée ; croix : aucune sélection possible.</p>";
  }
  function recomputeFrontier() {
    if (!last || !highs) { return; }
    var res = last;
    body.dataset.frontier = "computing";
    $("frontiere-calcul").disabled = true;
    frontierPoints(res.s, res.rank, JSON.parse(JSON.stringify(state)), function (points) {
      window.atelier.frontier = points;
      drawFrontier(points, res);
      $("frontiere-etat").textContent = "";
      $("frontiere-calcul").disabled = false;
      body.dataset.frontier = "ready";
    });
  }

  // ---- scenario YAML ---------------------------------------------------------------------------------
  function yamlScalar(v) {
    if (v === null || v === undefined) { return "null"; }
    if (typeof v === "boolean") { return v ? "true" : "false"; }
    if (typeof v === "number") {
      if (Number.isInteger(v) && Math.abs(v) < 1e15) { return String(v); }
      var t = String(v);
      if (t.indexOf("e") >= 0) {  // PyYAML reads floats with a dot and a signed exponent
        var m = t.split("e"), mant = m[0].indexOf(".") >= 0 ? m[0] : m[0] + ".0";
        return mant + "e" + (m[1][0] === "-" || m[1][0] === "+" ? m[1] : "+" + m[1]);
      }
      return t;
    }
    return JSON.stringify(String(v));
  }
  function yaml(obj, indent) {
    var pad = new Array(indent + 1).join("  "), out = [];
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      if (v === null || v === undefined) { return; }
      var key = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k);
      if (Array.isArray(v)) {
        var flat = v.every(function (x) { return x === null || typeof x !== "object"; });
        // lists of scalars in flow style; anything nested as JSON (a YAML flow subset)
        out.push(pad + key + ": " + (flat ? "[" + v.map(yamlScalar).join(", ") + "]" : JSON.stringify(v)));
      } else if (typeof v === "object") {
        var keys = Object.keys(v).filter(function (x) { return v[x] !== null && v[x] !== undefined; });
        if (!keys.length) { out.push(pad + key + ": {}"); } else { out.push(pad + key + ":"); out.push(yaml(v, indent + 1)); }
      } else {
        out.push(pad + key + ": " + yamlScalar(v));
      }
    });
    return out.join("\n");
  }
  function scenarioObject() {
    var sc = JSON.parse(JSON.stringify(S));
    FAMS.forEach(function (f) { sc.criteria[f].weight = state.fw[f]; });
    INDS.forEach(function (ind) { sc.criteria[ind.family].indicators[ind.name].weight = state.iw[ind.name]; });
    sc.selection.n_cites = state.n;
    sc.selection.logements_min = state.lo;
    sc.selection.logements_max = state.hi;
    sc.selection.epci_min = Object.assign({}, state.emin);
    sc.selection.epci_max = Object.assign({}, state.emax);
    sc.selection.force_in = state.fin.slice().sort(function (a, b) { return a - b; });
    sc.selection.force_out = state.fout.slice().sort(function (a, b) { return a - b; });
    sc.name = S.name + "-atelier";
    return sc;
  }
  function download() {
    var text = "# Scénario exporté de l'atelier de cites-priority (" + D.generated + ").\n" +
      "# Rejouer : cites-priority run CE_FICHIER.yaml --data <dossier du monde> --out <dossier>\n" +
      "# Lien de l'atelier : #" + toHash(state) + "\n" + yaml(scenarioObject(), 0) + "\n";
    var blob = new Blob([text], { type: "application/x-yaml" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = S.name + "-atelier.yaml";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  }

  // ---- start -----------------------------------------------------------------------------------------
  async function wasmBytes() {
    var b64 = document.getElementById("highs-wasm").textContent.trim();
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) { bytes[i] = bin.charCodeAt(i); }
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  async function start() {
    state = fromHash(location.hash);
    buildInputs();
    syncInputs();
    buildMap();
    if (D.frontier_svg) {
      $("frontiere").innerHTML = D.frontier_svg +
        '<p class="note">Calculée par le moteur pour les poids et contraintes du scénario du calcul ' +
        "(chaque point : meilleur score total exact ; croix : aucune sélection possible).</p>";
    } else {
      $("frontiere").innerHTML = '<p class="note">Frontière non calculée pour ce calcul.</p>';
    }
    $("pied").textContent = "cites-priority " + D.version + " · scénario « " + S.name + " » · empreinte " +
      D.scenario_hash.slice(0, 12) + " · généré le " + D.generated;
    try {
      var bytes = await wasmBytes();
      highs = await window.loadHighs({
        // hand the embedded module over: the loader must never fetch highs.wasm
        instantiateWasm: function (imports, receive) {
          WebAssembly.instantiate(bytes, imports).then(function (r) { receive(r.instance, r.module); });
          return {};
        },
        print: function () {}, printErr: function () {}
      });
    } catch (e) {
      $("etat").textContent = "Le solveur n'a pas pu démarrer : " + e;
      body.dataset.state = "error";
      return;
    }
    compute();
  }
  window.atelier = {
    compute: compute,
    state: function () { return JSON.parse(JSON.stringify(state)); },
    hash: function () { return toHash(state); }
  };
  start();
})();
