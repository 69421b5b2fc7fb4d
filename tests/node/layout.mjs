// The check both browser tests make at each width: nothing makes the page scroll sideways. An
// element may be wider than the screen only inside a box that scrolls it (a wide table in an
// overflow-x wrapper). Returns the failure messages, none when the layout holds.
export async function sidewaysOverflow(page, width) {
  const layout = await page.evaluate(() => {
    const viewport = document.documentElement.clientWidth;
    const scrolled = (el) => {
      for (let p = el.parentElement; p; p = p.parentElement) {
        const overflow = getComputedStyle(p).overflowX;
        if (overflow === 'auto' || overflow === 'scroll' || overflow === 'hidden') return true;
      }
      return false;
    };
    const describe = (el) =>
      el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
      (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
    const wide = [];
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0 || scrolled(el)) continue;
      if (box.left < -1 || box.right > viewport + 1) {
        wide.push(`${describe(el)} spans ${Math.round(box.left)}..${Math.round(box.right)}`);
      }
    }
    return { viewport, scrollWidth: document.documentElement.scrollWidth, wide };
  });
  const problems = [];
  if (layout.scrollWidth > layout.viewport) {
    problems.push(`${width} px: the page scrolls sideways (scrollWidth ${layout.scrollWidth})`);
  }
  for (const w of layout.wide.slice(0, 10)) problems.push(`${width} px: wider than the viewport: ${w}`);
  return problems;
}
