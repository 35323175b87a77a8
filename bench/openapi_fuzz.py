"""Fuzz every operation of the REST API's OpenAPI description (schemathesis)
with a non-admin key and count the server errors (5xx).

    .venv/bin/python bench/openapi_fuzz.py --url http://127.0.0.1:8000 \\
        --database mons --key "$(.venv/bin/mons key --site dev agent)"

Each operation gets --max-examples generated requests in each mode
(positive: valid per the description; negative: invalid on purpose), with
a fixed --seed. Writes happen: run it on a throw-away site, never on a site
whose data matters. Prints one line per server error (operation, status,
request id) and the totals.
"""
import argparse
import collections
import json
import sys
import time
import urllib.request


# The key may revoke itself (Tryton lets a user delete or rewrite their own
# applications): the rest of the run would then be 401s
EXCLUDE = r'^/model/res\.user\.application(/|$)'


def _header(response, name):
    for key, value in response.headers.items():
        if key.lower() == name:
            return value[0] if isinstance(value, list) else value
    return None


def fuzz(url, database, key, max_examples=5, seed=0, include=None,
        modes=('positive', 'negative'), timeout=60, deadline=None,
        exclude=EXCLUDE):
    """Return (cases, statuses Counter, server errors list of dicts)

    deadline: a time.monotonic() value after which no more operations are
    started (the run stays bounded in time)."""
    import hypothesis
    import schemathesis
    from schemathesis import GenerationMode

    base = f'{url}/{database}/rest'
    with urllib.request.urlopen(f'{base}/openapi.json', timeout=120) as r:
        spec = json.loads(r.read())
    schema = schemathesis.openapi.from_dict(spec)
    if include:
        schema = schema.include(path_regex=include)
    if exclude:
        schema = schema.exclude(path_regex=exclude)
    headers = {'Authorization': f'bearer {key}'}
    statuses = collections.Counter()
    errors = []
    cases = 0
    generation = {'positive': GenerationMode.POSITIVE,
        'negative': GenerationMode.NEGATIVE}
    for result in schema.get_all_operations():
        operation = result.ok()
        if deadline is not None and time.monotonic() > deadline:
            break
        for mode in modes:
            @hypothesis.settings(max_examples=max_examples, deadline=None,
                database=None, derandomize=False,
                suppress_health_check=list(hypothesis.HealthCheck),
                phases=[hypothesis.Phase.generate])
            @hypothesis.seed(seed)
            @hypothesis.given(case=operation.as_strategy(generation[mode]))
            def run(case):
                nonlocal cases
                response = case.call(base_url=base, headers=headers,
                    timeout=timeout)
                cases += 1
                statuses[response.status_code] += 1
                if response.status_code >= 500:
                    errors.append({
                            'operation': f'{case.method} {operation.path}',
                            'status': response.status_code,
                            'url': response.request.url,
                            'body': (response.request.body or b'')[:300],
                            'request_id': _header(response,
                                'x-request-id'),
                            'answer': response.text[:300],
                            })
            run()
    return cases, statuses, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--url', required=True)
    parser.add_argument('--database', default='mons')
    parser.add_argument('--key', required=True)
    parser.add_argument('--max-examples', type=int, default=5)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--include', help="path regex of the operations")
    args = parser.parse_args()
    started = time.monotonic()
    cases, statuses, errors = fuzz(args.url, args.database, args.key,
        args.max_examples, args.seed, args.include)
    seconds = time.monotonic() - started
    for error in errors:
        print(f"{error['status']} {error['operation']} "
            f"[{error['request_id']}] {error['url']} {error['body']!r}")
    print(f"{cases} cases in {seconds:.0f} s, "
        f"{sum(n for s, n in statuses.items() if s >= 500)} server errors; "
        f"statuses: {dict(sorted(statuses.items()))}")
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
