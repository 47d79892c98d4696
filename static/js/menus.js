// A row's "More" menu (<details class="more-actions">) opens upwards when there is no room
// below it inside its scrolling table, and only one menu is open at a time; Escape or a
// click elsewhere closes it. Without JavaScript the menu still opens, downwards.
const openMenus = () => document.querySelectorAll("details.more-actions[open]");

document.addEventListener(
  "toggle",
  (event) => {
    const menu = event.target;
    if (!(menu instanceof HTMLDetailsElement) || !menu.classList.contains("more-actions")) return;
    if (!menu.open) return;
    for (const other of openMenus()) if (other !== menu) other.open = false;
    menu.classList.remove("more-up");
    const list = menu.querySelector(".more-menu");
    const frame = menu.closest(".table-wrap") || document.documentElement;
    if (list && list.getBoundingClientRect().bottom > frame.getBoundingClientRect().bottom) {
      menu.classList.add("more-up");
    }
  },
  true,
);

document.addEventListener("click", (event) => {
  for (const menu of openMenus()) if (!menu.contains(event.target)) menu.open = false;
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const menu of openMenus()) {
    menu.open = false;
    menu.querySelector("summary")?.focus();
  }
});
