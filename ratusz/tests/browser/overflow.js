// What a phone must not do, for test_staff_on_a_phone.py: scroll the page
// sideways, or cut an element's text off. Returns the problems found.
(hiddenOnPurpose) => {
    for (const details of document.querySelectorAll('main details')) details.open = true;
    const problems = [];
    const doc = document.documentElement;
    if (doc.scrollWidth > window.innerWidth) {
        problems.push(`the page scrolls sideways: ${doc.scrollWidth}px > ${window.innerWidth}px`);
    }
    const describe = (el) => {
        const id = el.id ? '#' + el.id : '';
        const cls = typeof el.className === 'string' && el.className.trim()
            ? '.' + el.className.trim().split(/\s+/).join('.') : '';
        const text = (el.innerText || '').trim().slice(0, 60).replace(/\s+/g, ' ');
        return `<${el.tagName.toLowerCase()}${id}${cls}> "${text}"`;
    };
    // How far right an element's box or its spilling content reaches. A form
    // field scrolls its own text: only its box counts.
    const FIELDS = ['INPUT', 'TEXTAREA', 'SELECT', 'OPTION'];
    const reach = (el) => {
        const box = el.getBoundingClientRect();
        if (FIELDS.includes(el.tagName)) return box.right;
        return box.left + Math.max(box.width, el.scrollWidth);
    };
    // The innermost elements that stick out of `container`: what to fix.
    const culprits = (container) => {
        const right = container.getBoundingClientRect().right + 1;
        const out = [...container.querySelectorAll('*')].filter((el) => {
            if (el.closest('svg') && el.tagName !== 'svg') return false;
            return el.getBoundingClientRect().width > 1 && reach(el) > right;
        });
        return out.filter((el) => !out.some((other) => other !== el && el.contains(other)));
    };
    for (const el of document.body.querySelectorAll('*')) {
        if (el.closest('svg') || FIELDS.includes(el.tagName)) continue;
        if (el.closest(hiddenOnPurpose)) continue;
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        const box = el.getBoundingClientRect();
        if (box.width <= 1 || box.height <= 1) continue;
        if (el.scrollWidth <= el.clientWidth + 1) continue;
        const style = getComputedStyle(el);
        const scrolls = ['auto', 'scroll'].includes(style.overflowX);
        const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
        if (!scrolls && !clips) continue;
        const found = culprits(el);
        const real = found.filter((c) => !c.closest(hiddenOnPurpose));
        if (found.length && !real.length) continue;
        const why = `${describe(el)} (${el.scrollWidth}px in ${el.clientWidth}px) because of `
            + real.slice(0, 4).map((c) => `${describe(c)} reaching ${Math.round(reach(c))}px`).join('; ');
        if (scrolls) {
            const label = el.getAttribute('aria-label') || '';
            const announced = el.getAttribute('role') === 'region' && /przewijan/.test(label)
                && el.tabIndex === 0;
            if (!announced) problems.push(`scrolls sideways unannounced: ${why}`);
        } else {
            problems.push(`text cut off: ${why}`);
        }
    }
    return problems.slice(0, 15);
}
