"Checking (frictionless) and typing of a collected frame of strings."


def validate_frame(df, schema):
    """Validate the frame of strings against the Table Schema.

    Return (errors, rejected row indexes); errors are dicts with line
    (header is line 1), field, rule and message."""
    from frictionless import Resource, Schema
    header = list(df.columns)
    resource = Resource(data=[header] + df.values.tolist(),
        schema=Schema.from_descriptor(schema))
    report = resource.validate(limit_errors=10 ** 9)
    errors, rejected = [], set()
    for task in report.tasks:
        for error in task.errors:
            row = getattr(error, 'row_number', None)
            errors.append({
                    'line': row,
                    'field': getattr(error, 'field_name', None),
                    'rule': error.type,
                    'value': getattr(error, 'cell', None),
                    'message': error.message,
                    })
            if row:
                rejected.add(row - 2)
    return errors, rejected


def type_frame(df, schema):
    "Turn the validated frame of strings into typed columns"
    import pandas as pd
    out = {}
    for field in schema['fields']:
        name, type_ = field['name'], field.get('type', 'string')
        col = df[name].astype(str).str.strip()
        col = col.where(col != '', None)
        if type_ == 'integer':
            out[name] = pd.to_numeric(col, errors='coerce').astype('Int64')
        elif type_ == 'number':
            out[name] = pd.to_numeric(col, errors='coerce')
        elif type_ == 'boolean':
            true = set(field.get('trueValues', ['true', 'True', 'TRUE', '1']))
            out[name] = col.map(lambda v: None if v is None else v in true)
        else:
            out[name] = col
    return pd.DataFrame(out)
