"""Checks shared by the portal's browser tests: axe-core audit (no
violation of any impact), layout, GOV.UK error pattern, local dates."""
import json
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
AXE = ROOT / 'node_modules' / 'axe-core' / 'axe.min.js'
WIDTHS = [360, 1280]
ISO_DATE = re.compile(r'\b\d{4}-\d{2}-\d{2}\b')


def new_page(browser, width):
    context = browser.new_context(
        viewport={'width': width, 'height': 800}, locale='fr-BE')
    return context, context.new_page()


def inject_axe(page):
    """Load axe-core in the page through the browser's debugging protocol:
    a script tag would be refused by the pages' Content-Security-Policy
    (their own scripts only), which the audit must see as users get it"""
    assert AXE.exists(), "npm install at the repository root first"
    if not page.evaluate('() => !!window.axe'):
        page.evaluate('() => {\n' + AXE.read_text() + '\n}')


def audit(page):
    "Every axe-core violation (WCAG 2.0/2.1 A and AA, best practices)"
    inject_axe(page)
    return page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                'best-practice']}});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            help: v.help, nodes: v.nodes.map(n => n.target.join(' '))}));
    }""")


def fits_width(page):
    return page.evaluate(
        "document.documentElement.scrollWidth <= window.innerWidth")


def assert_portal_page(page, header='Ville de Mons'):
    "French, the portal's layout, no horizontal scroll, no axe violation"
    assert page.get_attribute('html', 'lang') == 'fr'
    assert header in page.inner_text('header')
    assert page.locator('main#contenu').count() == 1
    assert page.locator('footer a', has_text='Accessibilité').count() == 1
    assert page.locator('footer a', has_text='Vie privée').count() == 1
    assert fits_width(page), "horizontal scroll"
    assert not ISO_DATE.search(page.inner_text('body')), \
        ISO_DATE.search(page.inner_text('body'))[0]
    violations = audit(page)
    assert not violations, json.dumps(violations, indent=1,
        ensure_ascii=False)


def assert_error_pattern(page, fields):
    """GOV.UK error pattern: 'Erreur : ' in the title, the summary has the
    focus and links to each field in error (real ids), each field shows
    its message and is marked invalid; the form has novalidate.

    fields: ids of the elements the summary must link to."""
    assert page.title().startswith('Erreur : '), page.title()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.classList"
        ".contains('error-summary')")
    hrefs = page.eval_on_selector_all('.error-summary a',
        'links => links.map(a => a.getAttribute("href"))')
    assert sorted(hrefs) == sorted(f'#{f}' for f in fields), hrefs
    for field in fields:
        target = page.locator(f'[id="{field}"]')
        assert target.count() == 1, field
        tag = target.evaluate('e => e.tagName')
        assert tag in {'INPUT', 'SELECT', 'TEXTAREA'}, (field, tag)
        described = target.evaluate("""e => {
            const ids = (e.getAttribute('aria-describedby') || '')
                .split(' ');
            const set = e.closest('fieldset');
            if (set) { ids.push(...(set.getAttribute('aria-describedby')
                || '').split(' ')); }
            return ids.filter(i => i.endsWith('-erreur'))
                .map(i => document.getElementById(i))
                .filter(n => n).map(n => n.innerText);
        }""")
        assert described and described[0].startswith('Erreur'), (
            field, described)
    assert page.eval_on_selector_all('form.form',
        'forms => forms.every(f => f.noValidate)')
    # The first link of the summary moves the focus to its field
    page.click('.error-summary a >> nth=0')
    assert page.evaluate('document.activeElement.id') == hrefs[0][1:]
