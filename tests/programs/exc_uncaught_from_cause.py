class ValidationError(Exception):
    pass


def check_age(age):
    if age < 0:
        raise ValueError(f"age must be >= 0, got {age}")
    return age


def validate(record):
    try:
        return check_age(record["age"])
    except ValueError as err:
        raise ValidationError(f"record {record['name']} is invalid") from err


print(validate({"name": "ann", "age": 30}))
validate({"name": "bob", "age": -1})
