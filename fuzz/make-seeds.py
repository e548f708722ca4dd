#!/usr/bin/env python3
"""Make the seed corpora of fuzz/seeds/ from the unit tests' tables (the
first string of each table row), the test data and a demo repository.
Run from the top of the source tree: python3 fuzz/make-seeds.py BUILD_DIR"""
import glob, hashlib, os, re, subprocess, sys, tempfile

top = os.getcwd()
seeds = os.path.join(top, 'fuzz', 'seeds')

def c_strings(line):
    """The C string literals at the start of a table row, decoded."""
    out = []
    for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', line):
        out.append(m.group(1))
    if not out:
        return None
    # adjacent literals ("a\xC2\xA0" "b") make one string
    first = re.match(r'\s*\{\s*((?:"(?:[^"\\]|\\.)*"\s*)+)', line)
    if not first:
        return None
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', first.group(1))
    raw = ''.join(parts)
    b = bytearray()
    i = 0
    while i < len(raw):
        c = raw[i]
        if c == '\\':
            n = raw[i + 1]
            if n == 'x':
                j = i + 2
                while j < len(raw) and raw[j] in '0123456789abcdefABCDEF':
                    j += 1
                b.append(int(raw[i + 2:j], 16) & 0xFF)
                i = j
                continue
            b += {'n': b'\n', 't': b'\t', 'r': b'\r', '\\': b'\\',
                  '"': b'"', '0': b'\0'}.get(n, n.encode('latin-1'))
            i += 2
            continue
        b += c.encode('latin-1')
        i += 1
    return bytes(b)

def put(kind, data):
    d = os.path.join(seeds, kind)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)

def table_rows(path, start):
    lines = open(path, encoding='utf-8', errors='surrogateescape').read().split('\n')
    i = start
    while i < len(lines) and not lines[i].startswith('};'):
        s = c_strings(lines[i].encode('utf-8', 'surrogateescape').decode('latin-1'))
        if s is not None:
            yield s.decode('latin-1').encode('latin-1')
        i += 1

def table_at(path, name):
    lines = open(path, encoding='utf-8', errors='surrogateescape').read().split('\n')
    for i, l in enumerate(lines):
        if re.search(r'\}\s*' + name + r'\[\]\s*=', l):
            return i + 1
    raise SystemExit('no table %s in %s' % (name, path))

ledger = os.path.join(top, 'tests/unit/check_ledger.c')
selectors = {'normalize_cases': 8, 'header_cases': 8, 'mark_cases': 9,
             'color_cases': 7}
# the other tables of check_ledger.c, by the parser they test
src = open(ledger, encoding='utf-8', errors='surrogateescape').read()
for m in re.finditer(r'\}\s*(\w+)\[\]\s*=', src):
    name = m.group(1)
    sel = selectors.get(name)
    if sel is None:
        for key, s in (('date', 0), ('deadline', 1), ('phone', 2), ('id', 3),
                       ('part', 4), ('amount', 5), ('people', 6), ('count', 6)):
            if key in name:
                sel = s
                break
    if sel is None:
        continue
    # a date cell is tried with and without a year, in a date column
    for row in table_rows(ledger, table_at(ledger, name)):
        for flags in (0x00, 0xC0, 0x60):
            put('ledger', bytes([(sel + flags) & 0xFF]) + row)

dates = os.path.join(top, 'tests/unit/check_date.c')
src = open(dates, encoding='utf-8', errors='surrogateescape').read()
for m in re.finditer(r'\}\s*(\w+)\[\]\s*=', src):
    for row in table_rows(dates, table_at(dates, m.group(1))):
        put('date', row)
for s in ('2024-03-20', '30 days', '1个月', '一个月', '3工作日', '24小时',
          '120 months', '２０２４-０３-２０', '9999 workdays'):
    put('date', s.encode())

for f in glob.glob(os.path.join(top, 'tests/data/cases/*.yaml')):
    put('case', open(f, 'rb').read())
# the demo's repository: every case file it makes
build = sys.argv[1] if len(sys.argv) > 1 else 'build'
with tempfile.TemporaryDirectory() as t:
    env = dict(os.environ, FQ_TODAY='2024-04-20', FQ_USER='fuzz',
               FQ_EMAIL='fuzz@localhost', GIT_CONFIG_NOSYSTEM='1',
               GIT_CONFIG_GLOBAL='/dev/null', LC_ALL='C.UTF-8')
    subprocess.run(['sh', 'examples/demo.sh', os.path.join(build, 'bin'),
                    os.path.join(t, 'demo')], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for f in glob.glob(os.path.join(t, 'demo/cases/*/*/*.yaml')):
        put('case', open(f, 'rb').read())
