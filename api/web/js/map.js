// Luxembourg's communes as inline SVG from GeoJSON (WGS84). An equirectangular projection scaled
// by cos(latitude) is exact enough for a country 80 km tall, and needs no library.

const SVG = "http://www.w3.org/2000/svg";
const LAT0 = 49.8;
const KX = Math.cos((LAT0 * Math.PI) / 180);

export const project = ([lon, lat]) => [lon * KX * 1000, -lat * 1000];

function svg(tag, attrs = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

function pathData(geometry) {
  const polygons = geometry.type === "MultiPolygon" ? geometry.coordinates : [geometry.coordinates];
  return polygons
    .flatMap((rings) => rings.map((ring) => `M${ring.map((p) => project(p).map((c) => c.toFixed(1)).join(",")).join("L")}Z`))
    .join("");
}

function bounds(features) {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of features) {
    const polygons = f.geometry.type === "MultiPolygon" ? f.geometry.coordinates : [f.geometry.coordinates];
    for (const [outer] of polygons) {
      for (const p of outer) {
        const [x, y] = project(p);
        [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
      }
    }
  }
  return [x0, y0, x1 - x0, y1 - y0];
}

// The centre of a commune's bounding box: where to draw a unit without coordinates.
export function centre(feature) {
  const [x, y, w, hgt] = bounds([feature]);
  return [x + w / 2, y + hgt / 2];
}

// fill(feature) -> colour; title(feature) -> tooltip text; points: [{x, y, className, title}];
// lines: [{from: [x, y], to: [x, y], className, title, dataset}] drawn under the points;
// labels: [{x, y, text}] drawn on top (zone names, which colours alone cannot tell apart).
export function drawMap({ features, fill, title, points, lines = [], labels = [], label }) {
  const [x, y, w, hgt] = bounds(features);
  const pad = 2;
  const root = svg("svg", {
    viewBox: `${x - pad} ${y - pad} ${w + 2 * pad} ${hgt + 2 * pad}`,
    role: "img",
    "aria-label": label,
  });
  const communes = svg("g");
  for (const f of features) {
    const path = svg("path", { d: pathData(f.geometry), fill: fill(f), class: "commune", "data-lau2": f.properties.lau2 });
    const t = svg("title");
    t.textContent = title(f);
    path.append(t);
    communes.append(path);
  }
  const paths = svg("g");
  for (const l of lines) {
    const [x1, y1] = l.from.map((c) => c.toFixed(1));
    const [x2, y2] = l.to.map((c) => c.toFixed(1));
    const line = svg("line", { x1, y1, x2, y2, class: l.className });
    for (const [k, v] of Object.entries(l.dataset ?? {})) line.dataset[k] = v;
    const t = svg("title");
    t.textContent = l.title;
    line.append(t);
    paths.append(line);
  }
  const marks = svg("g");
  const r = w / 70; // large enough to see and to point at
  for (const p of points) {
    const c = svg("circle", { cx: p.x.toFixed(1), cy: p.y.toFixed(1), r: r.toFixed(2), class: p.className });
    const t = svg("title");
    t.textContent = p.title;
    c.append(t);
    marks.append(c);
  }
  const texts = svg("g", { "aria-hidden": "true" });
  for (const l of labels) {
    const t = svg("text", { x: l.x.toFixed(1), y: l.y.toFixed(1), class: "zone-label", "font-size": (w / 24).toFixed(1), "text-anchor": "middle" });
    t.textContent = l.text;
    texts.append(t);
  }
  root.append(communes, paths, marks, texts);
  return root;
}
