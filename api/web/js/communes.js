// Luxembourg's 100 communes (LAU2 code, name, boundary), from the static copy the app serves
// (api/web/data/lu_communes.geojson, simplified from scenarios/data/lu_communes.geojson).

let cached = null;

export async function loadCommunes() {
  if (!cached) {
    const response = await fetch("/data/lu_communes.geojson");
    if (!response.ok) throw new Error("the communes' boundaries could not be loaded");
    const geojson = await response.json();
    const names = new Map(geojson.features.map((f) => [f.properties.lau2, f.properties.commune]));
    cached = { features: geojson.features, names };
  }
  return cached;
}

export const communeName = (communes, code) => communes.names.get(code) ?? code ?? "";
