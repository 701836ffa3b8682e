"""Checks FollowTheMoney entities (JSON lines on stdin) with the followthemoney package.

Every line must be an entity of a known schema, every property must belong to that schema, every
value must be valid for the property's type, required properties must be present, and every
entity reference must point to an entity of the file. Prints the problems and exits 1, or prints
"ok N entities" and exits 0. Exit 3 when followthemoney is not installed.
"""
import json
import sys

try:
    from followthemoney import model
except ImportError:
    print("followthemoney is not installed")
    sys.exit(3)

entities = [json.loads(line) for line in sys.stdin if line.strip()]
ids = {e.get("id") for e in entities}
problems = []
for number, entity in enumerate(entities, 1):
    schema = model.get(entity.get("schema", ""))
    if schema is None:
        problems.append(f"line {number}: unknown schema {entity.get('schema')!r}")
        continue
    if schema.abstract:
        problems.append(f"line {number}: {schema.name} is abstract")
    properties = entity.get("properties", {})
    for name in schema.required:
        if not properties.get(name):
            problems.append(f"line {number} ({entity['id']}): {schema.name} requires {name}")
    for name, values in properties.items():
        prop = schema.get(name)
        if prop is None:
            problems.append(f"line {number}: {schema.name} has no property {name!r}")
            continue
        for value in values:
            if prop.type.name == "entity":
                if value not in ids:
                    problems.append(f"line {number}: {name} refers to missing entity {value!r}")
            elif not prop.type.validate(value):
                problems.append(f"line {number}: {name}={value!r} is not a valid {prop.type.name}")
    proxy = model.get_proxy(entity, cleaned=False)
    if proxy.id != entity["id"]:
        problems.append(f"line {number}: id {entity['id']!r} was not kept")

for problem in problems:
    print(problem)
if problems:
    sys.exit(1)
print(f"ok {len(entities)} entities")
