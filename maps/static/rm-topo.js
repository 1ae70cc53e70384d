/* County Risk Map: TopoJSON layers with levels of detail for Leaflet.
 *
 * Part of County Risk Map (same licence as the project). Served by the app itself: no CDN.
 * rmTopo.source(map, spec, base) decodes level 0 (spec.first, a TopoJSON topology with
 * quantised, delta-encoded arcs; see maps/topology.py and maps/detail.py) and, as the user
 * zooms and pans, fetches from `base` the chunks of the level the zoom needs that the view
 * touches, and redraws those features with them. Layers made with source.features(props)
 * and registered with source.add(layer) keep their styles, tooltips and clicks.
 */
(function (root) {
  'use strict';

  function decodeArcs(topo) {
    var t = topo.transform, sx = t.scale[0], sy = t.scale[1];
    var tx = t.translate[0], ty = t.translate[1];
    return topo.arcs.map(function (arc) {
      var x = 0, y = 0;
      return arc.map(function (p) {
        x += p[0]; y += p[1];
        return [x * sx + tx, y * sy + ty];
      });
    });
  }

  function stitch(arcs, ids) {
    var out = [];
    ids.forEach(function (i, n) {
      var a = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
      for (var j = n ? 1 : 0; j < a.length; j++) out.push(a[j]);
    });
    return out;
  }

  function geometry(arcs, g) {
    var ring = function (r) { return stitch(arcs, r); };
    switch (g.type) {
      case 'LineString': return {type: g.type, coordinates: stitch(arcs, g.arcs)};
      case 'MultiLineString':
      case 'Polygon': return {type: g.type, coordinates: g.arcs.map(ring)};
      case 'MultiPolygon':
        return {type: g.type, coordinates: g.arcs.map(function (p) { return p.map(ring); })};
      default: return null;
    }
  }

  /* Every geometry of a topology's `shapes` object, with its id. */
  function decode(topo) {
    var arcs = decodeArcs(topo);
    return topo.objects.shapes.geometries.map(function (g) {
      return {id: g.id, geometry: geometry(arcs, g)};
    });
  }

  var DEPTH = {LineString: 0, MultiLineString: 1, Polygon: 1, MultiPolygon: 2};

  function Source(map, spec, base) {
    this.map = map;
    this.spec = spec;
    this.base = base;
    this.first = decode(spec.first).map(function (s) { return s.geometry; });
    this.shown = this.first.map(function () { return 0; });
    this.layers = [];
    this.files = {};
    this.level = 0;
    map.on('moveend', this.update, this);
  }

  /* A GeoJSON FeatureCollection of level 0, feature i with props[i] as its properties. */
  Source.prototype.features = function (props) {
    return {type: 'FeatureCollection', features: this.first.map(function (g, i) {
      return {type: 'Feature', rmIndex: i, properties: props ? props[i] : {}, geometry: g};
    }).filter(function (f) { return f.geometry; })};
  };

  Source.prototype.add = function (layer) {
    this.layers.push(layer);
    this.update();
  };

  /* The coarsest level whose tolerance is at most one pixel at the current zoom. */
  Source.prototype.target = function () {
    var pixel = 360 / 256 / Math.pow(2, this.map.getZoom()), t = this.spec.t || [0];
    for (var k = 0; k < t.length; k++) if (t[k] <= pixel) return k;
    return t.length - 1;
  };

  Source.prototype.apply = function (shapes, level) {
    var byIndex = {}, shown = this.shown;
    shapes.forEach(function (s) { if (s.geometry) byIndex[s.id] = s.geometry; });
    this.layers.forEach(function (layer) {
      layer.eachLayer(function (l) {
        var i = l.feature && l.feature.rmIndex, g = byIndex[i];
        if (g === undefined || !l.setLatLngs) return;
        l.setLatLngs(L.GeoJSON.coordsToLatLngs(g.coordinates, DEPTH[g.type]));
        shown[i] = level;
      });
    });
    this.map.fire('rmdetail', {level: level});
  };

  /* A file of the levels, fetched once; one not there yet is asked for again later. */
  Source.prototype.load = function (name, then) {
    var files = this.files;
    if (!files[name]) {
      files[name] = fetch(this.base + name).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }).then(then).catch(function (e) {
        delete files[name];  // not built yet, or the server restarted
        throw e;
      });
    }
    return files[name];
  };

  Source.prototype.update = function () {
    if (!this.layers.length) return;
    var self = this, level = this.target(), view = this.map.getBounds().pad(0.2);
    this.level = level;
    if (level === 0) {
      var back = [];
      this.shown.forEach(function (k, i) { if (k) back.push({id: i, geometry: self.first[i]}); });
      if (back.length) this.apply(back, 0);
      return;
    }
    this.load(this.spec.key + '/index.json', function (index) {
      return index.levels;
    }).then(function (levels) {
      if (self.level !== level) return;
      levels[level].forEach(function (c) {
        var box = L.latLngBounds([c[1], c[0]], [c[3], c[2]]);
        if (!view.intersects(box)) return;
        self.load(c[4], decode).then(function (shapes) {
          if (self.level === level) self.apply(shapes, level);
        }).catch(function () {});
      });
    }).catch(function () {});
  };

  var sources = [];  // every source of the page, for whoever checks what is drawn
  root.rmTopo = {
    decode: decode,
    sources: sources,
    source: function (map, spec, base) {
      var s = new Source(map, spec, base);
      sources.push(s);
      return s;
    }
  };
})(window);
