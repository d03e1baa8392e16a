// Pingan's "where did it happen" map: the browser's own position on request, or a tap on an
// offline map drawn from Pingan's boundaries. No tiles, no outside service, no library.
const M_PER_DEG_LAT = 110540;

function project(view, lon, lat) {
  const x = (lon - view.lon) * Math.cos(view.lat * Math.PI / 180) * 111320 / view.mpp;
  const y = (lat - view.lat) * M_PER_DEG_LAT / view.mpp;
  return [view.w / 2 + x, view.h / 2 - y];
}

function unproject(view, px, py) {
  const lon = view.lon + (px - view.w / 2) * view.mpp / (Math.cos(view.lat * Math.PI / 180) * 111320);
  const lat = view.lat - (py - view.h / 2) * view.mpp / M_PER_DEG_LAT;
  return [lat, lon];
}

function pathOf(view, rings) {
  let d = "";
  for (const ring of rings) {
    ring.forEach((p, i) => {
      const [x, y] = project(view, p[0], p[1]);
      d += (i ? "L" : "M") + x.toFixed(1) + " " + y.toFixed(1);
    });
    d += "Z";
  }
  return d;
}

function draw(root) {
  const st = root._pl;
  const view = st.view;
  view.w = root.querySelector(".pl-map").clientWidth || 320;
  const svg = root.querySelector("svg");
  svg.setAttribute("viewBox", `0 0 ${view.w} ${view.h}`);
  const shapes = st.data.shapes || {};
  root.querySelector(".pl-grids").setAttribute("d", pathOf(view, shapes.grids || []));
  root.querySelector(".pl-comms").setAttribute(
    "d", pathOf(view, (shapes.communities || []).flatMap((c) => c.rings)));
  root.querySelector(".pl-outline").setAttribute("d", pathOf(view, shapes.outline || []));
  const marker = root.querySelector(".pl-marker");
  const halo = root.querySelector(".pl-halo");
  const point = st.point;
  if (point) {
    const [x, y] = project(view, point[1], point[0]);
    marker.setAttribute("cx", x); marker.setAttribute("cy", y);
    marker.style.display = "";
    const r = point[2] ? Math.max(point[2] / view.mpp, 0) : 0;
    halo.setAttribute("cx", x); halo.setAttribute("cy", y); halo.setAttribute("r", r);
    halo.style.display = r > 12 ? "" : "none";
  } else {
    marker.style.display = "none"; halo.style.display = "none";
  }
}

function build(root, component) {
  root.innerHTML = `
    <button type="button" class="pl-locate" data-testid="pl-locate"></button>
    <div class="pl-status" role="status" aria-live="polite"></div>
    <div class="pl-map">
      <svg class="pl-svg" data-testid="pl-map" preserveAspectRatio="xMidYMid meet">
        <rect class="pl-land" x="-9999" y="-9999" width="29999" height="29999"></rect>
        <path class="pl-grids"></path><path class="pl-comms"></path>
        <path class="pl-outline"></path>
        <circle class="pl-halo"></circle><circle class="pl-marker" r="9"></circle>
      </svg>
      <div class="pl-zoom">
        <button type="button" class="pl-in" data-testid="pl-zoom-in">+</button>
        <button type="button" class="pl-out" data-testid="pl-zoom-out">&minus;</button>
      </div>
    </div>
    <div class="pl-hint"></div>`;
  const svg = root.querySelector("svg");
  let drag = null;
  svg.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, lat: root._pl.view.lat, lon: root._pl.view.lon, moved: false };
    svg.setPointerCapture(e.pointerId);
  });
  svg.addEventListener("pointermove", (e) => {
    if (!drag) return;
    const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.hypot(dx, dy) < 8) return;
    drag.moved = true;
    const view = root._pl.view;
    view.lon = drag.lon - dx * view.mpp / (Math.cos(view.lat * Math.PI / 180) * 111320);
    view.lat = drag.lat + dy * view.mpp / M_PER_DEG_LAT;
    draw(root);
  });
  svg.addEventListener("pointerup", (e) => {
    const was = drag; drag = null;
    if (!was || was.moved) return;
    const box = svg.getBoundingClientRect();
    const view = root._pl.view;
    const [lat, lon] = unproject(view, (e.clientX - box.left) * view.w / box.width,
                                 (e.clientY - box.top) * view.h / box.height);
    root._pl.point = [lat, lon, null];
    draw(root);
    root._pl.send("pick", { lat, lon, accuracy: null, source: "tap", at: Date.now() });
  });
  svg.addEventListener("pointercancel", () => { drag = null; });
  const zoom = (f) => {
    const v = root._pl.view;
    v.mpp = Math.min(Math.max(v.mpp * f, 0.5), 120);
    draw(root);
  };
  root.querySelector(".pl-in").addEventListener("click", () => zoom(0.5));
  root.querySelector(".pl-out").addEventListener("click", () => zoom(2));
  root.querySelector(".pl-locate").addEventListener("click", () => locate(root));
  window.addEventListener("resize", () => draw(root));
}

function locate(root) {
  const st = root._pl;
  const status = root.querySelector(".pl-status");
  if (!window.isSecureContext) { st.send("error", { code: "insecure", at: Date.now() }); return; }
  if (!navigator.geolocation) { st.send("error", { code: "unsupported", at: Date.now() }); return; }
  status.textContent = st.data.labels.locating;
  root.querySelector(".pl-locate").disabled = true;
  navigator.geolocation.getCurrentPosition((pos) => {
    root.querySelector(".pl-locate").disabled = false;
    status.textContent = "";
    const { latitude: lat, longitude: lon, accuracy } = pos.coords;
    st.point = [lat, lon, accuracy];
    st.view.lat = lat; st.view.lon = lon;
    st.view.mpp = Math.min(Math.max(accuracy / 40, 2), 30);
    draw(root);
    st.send("pick", { lat, lon, accuracy, source: "gps", at: Date.now() });
  }, (err) => {
    root.querySelector(".pl-locate").disabled = false;
    status.textContent = "";
    const codes = { 1: "denied", 2: "unavailable", 3: "timeout" };
    st.send("error", { code: codes[err.code] || "unavailable", at: Date.now() });
  }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 0 });
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  let root = parentElement.querySelector(".pl-root");
  const fresh = !root;
  if (fresh) {
    root = document.createElement("div");
    root.className = "pl-root";
    parentElement.appendChild(root);
    root._pl = { view: { lat: data.centre[0], lon: data.centre[1], mpp: 6, w: 320, h: 300 } };
    build(root, component);
  }
  const st = root._pl;
  st.data = data;
  st.send = (name, value) => setStateValue(name, value);
  root.querySelector(".pl-locate").textContent = data.labels.locate;
  root.querySelector(".pl-hint").textContent = data.labels.hint;
  root.querySelector(".pl-in").setAttribute("aria-label", data.labels.zoom_in);
  root.querySelector(".pl-out").setAttribute("aria-label", data.labels.zoom_out);
  if (data.point) {
    const moved = !st.point || Math.abs(st.point[0] - data.point[0]) > 1e-7 ||
      Math.abs(st.point[1] - data.point[1]) > 1e-7;
    st.point = data.point;
    if (moved) { st.view.lat = data.point[0]; st.view.lon = data.point[1]; }
  } else {
    st.point = null;
  }
  draw(root);
  if (fresh && data.auto && !data.point && navigator.permissions) {
    // Already allowed (a phone that said yes before): locate at once, saving a tap.
    navigator.permissions.query({ name: "geolocation" }).then((p) => {
      if (p.state === "granted") locate(root);
    }).catch(() => {});
  }
}
