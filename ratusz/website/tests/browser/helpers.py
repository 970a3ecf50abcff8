from axe_playwright_python.sync_playwright import Axe

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_axe = Axe()


def axe_violations(page) -> list[dict]:
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    return results.response["violations"]


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f"\n  {violation['helpUrl']}"
        )
        for node in violation["nodes"][:5]:
            lines.append(f"    at {' '.join(map(str, node['target']))}")
            lines.append(f"       {node['html'][:200]}")
            summary = (node.get("failureSummary") or "").replace("\n", " ")
            lines.append(f"       {summary[:300]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


def csp_errors(page) -> list[str]:
    return [e for e in page.console_errors if "Content Security Policy" in e]


def region_violations(page, selector) -> list[dict]:
    """axe-core violations (WCAG 2.1 A/AA) of one region of the page: our
    markup inside the Wagtail admin's chrome."""
    results = _axe.run(
        page,
        context={"include": [[selector]]},
        options={"runOnly": {"type": "tag", "values": AXE_TAGS}},
    )
    return results.response["violations"]


def region_overflow(page, selector) -> list[str]:
    """Elements of a region wider than the viewport (at most 10)."""
    return page.evaluate(
        """(selector) => {
            const width = document.documentElement.clientWidth;
            const out = [];
            const all = document.querySelectorAll(selector + ', ' + selector + ' *');
            for (const el of all) {
                const box = el.getBoundingClientRect();
                if (box.width && box.right > width + 1) {
                    out.push(el.tagName + '.' + el.className);
                }
            }
            return out.slice(0, 10);
        }""",
        selector,
    )
