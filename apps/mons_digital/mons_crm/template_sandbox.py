"""Rendering of mass-email templates in a sandbox.

A template written by a service agent is code that runs on the server for
every recipient: with Genshi it could walk from the subscription record to
its list, its creator, the class of users and search every REST key. Here it
renders with Jinja2's SandboxedEnvironment over plain dicts built for the
rendering (never Tryton records), and only the documented placeholders
below are accepted: anything else (other names, attribute walks, calls,
subscripts, loops, imports, unknown filters) is refused when the template
or the message is saved, with the placeholder named.

The syntax stays the one of the first templates (Genshi): ``${greeting}``,
``${party.name}``, ``${party.name if party else email.email}``; Genshi's
short form ``$greeting`` and its ``$$`` escape are translated. Conditions
use ``{% if party %}…{% else %}…{% endif %}``.
"""
import re

from jinja2 import Undefined, nodes
from jinja2.exceptions import SecurityError, TemplateError
from jinja2.sandbox import SandboxedEnvironment

# name -> documented fields (None: a plain value)
PLACEHOLDERS = {
    'greeting': None,
    'first_name': None,
    'last_name': None,
    'unsubscribe_url': None,
    'preferences_url': None,
    'party': ('name', 'first_name', 'last_name', 'civility', 'language'),
    'email': ('email',),
    'list': ('name', 'description'),
    'sender': ('name', 'email', 'organisation'),
    }
# Filters that only change the case or the spacing of a text
FILTERS = {'upper', 'lower', 'title', 'capitalize', 'trim', 'default', 'd',
    'e', 'escape'}
COMPARISONS = {'eq', 'ne'}


def documented():
    "Every accepted placeholder, as written in a template"
    result = []
    for name, attributes in PLACEHOLDERS.items():
        if attributes is None:
            result.append(f'${{{name}}}')
        else:
            result.extend(f'${{{name}.{a}}}' for a in attributes)
    return result


_GENSHI_SHORT = re.compile(
    r'\$\$|\$([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)')


# The greeting ends with its own comma ("Madame, Monsieur,"); authors who
# type one after the placeholder would send two
_GREETING_COMMA = re.compile(r'(\$\{\s*greeting\s*\})\s*,')


def translate(content):
    "Genshi's $name short form and $$ escape, written for the sandbox"
    def replace(match):
        if match.group(0) == '$$':
            return "${'$'}"
        return '${' + match.group(1) + '}'
    content = _GENSHI_SHORT.sub(replace, content or '')
    return _GREETING_COMMA.sub(r'\1', content)


class TemplateRefused(Exception):
    "The template uses something the sandbox does not offer"

    def __init__(self, kind, detail, line=None):
        super().__init__(detail)
        self.kind = kind  # 'syntax', 'placeholder' or 'expression'
        self.detail = detail
        self.line = line


class _Sandbox(SandboxedEnvironment):
    "Attributes are read from the plain dicts of the rendering only"

    def is_safe_attribute(self, obj, attr, value):
        return False

    def is_safe_callable(self, obj):
        return False


def _environment():
    env = _Sandbox(
        variable_start_string='${', variable_end_string='}',
        autoescape=True, undefined=Undefined)
    # range, lipsum, cycler, joiner, namespace, dict: none is a placeholder
    env.globals.clear()
    env.filters = {n: f for n, f in env.filters.items() if n in FILTERS}
    env.tests = {}
    return env


_ENV = _environment()


def _source(node):
    "The placeholder as the author wrote it, for the error message"
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f'{_source(node.node)}.{node.attr}'
    if isinstance(node, nodes.Getitem):
        return f'{_source(node.node)}[…]'
    if isinstance(node, nodes.Call):
        return f'{_source(node.node)}(…)'
    if isinstance(node, nodes.Filter):
        return f'…|{node.name}'
    if isinstance(node, nodes.Const):
        return repr(node.value)
    return type(node).__name__


def _check(node):
    "Raise TemplateRefused on the first node the sandbox does not offer"
    line = getattr(node, 'lineno', None)
    if isinstance(node, (nodes.Template, nodes.Output)):
        pass
    elif isinstance(node, nodes.TemplateData):
        return
    elif isinstance(node, nodes.Const):
        if not isinstance(node.value, (str, int, float, bool, type(None))):
            raise TemplateRefused('expression', _source(node), line)
        return
    elif isinstance(node, nodes.Name):
        if node.ctx != 'load' or node.name not in PLACEHOLDERS:
            raise TemplateRefused('placeholder', node.name, line)
        return
    elif isinstance(node, nodes.Getattr):
        base = node.node
        if (not isinstance(base, nodes.Name)
                or base.name not in PLACEHOLDERS
                or PLACEHOLDERS[base.name] is None
                or node.attr not in PLACEHOLDERS[base.name]):
            raise TemplateRefused('placeholder', _source(node), line)
        return
    elif isinstance(node, nodes.Filter):
        if node.name not in FILTERS or node.kwargs or node.dyn_args \
                or node.dyn_kwargs:
            raise TemplateRefused('expression', _source(node), line)
        for arg in node.args:
            if not isinstance(arg, nodes.Const):
                raise TemplateRefused('expression', _source(node), line)
    elif isinstance(node, nodes.Compare):
        if any(op.op not in COMPARISONS for op in node.ops):
            raise TemplateRefused('expression', _source(node), line)
    elif isinstance(node, (nodes.If, nodes.CondExpr, nodes.Not, nodes.And,
                nodes.Or, nodes.Operand, nodes.Concat)):
        pass
    else:
        # Loops, calls, subscripts, macros, imports, assignments, blocks,
        # arithmetic (a format string is a Mod): none is needed to write a
        # letter, all are ways out of it
        raise TemplateRefused('expression', _source(node), line)
    for child in node.iter_child_nodes():
        _check(child)


def parse(content):
    "Check content; return the compiled template or raise TemplateRefused"
    source = translate(content)
    try:
        tree = _ENV.parse(source)
    except TemplateError as exception:
        raise TemplateRefused('syntax', exception.message or str(exception),
            getattr(exception, 'lineno', None)) from exception
    _check(tree)
    try:
        return _ENV.from_string(tree)
    except TemplateError as exception:
        raise TemplateRefused('syntax', str(exception)) from exception


def render(template, values):
    """Render a template from parse() with values: a dict of the documented
    names, each a str or a dict of str"""
    unknown = set(values) - set(PLACEHOLDERS)
    assert not unknown, unknown
    try:
        return template.render(values)
    except SecurityError as exception:
        raise TemplateRefused('expression', str(exception)) from exception
