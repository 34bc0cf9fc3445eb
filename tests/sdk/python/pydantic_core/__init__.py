# Only for running the official Python SDK (extend_ai 1.17.0) on Debian 12, whose
# python3-pydantic is 1.10: the SDK supports pydantic 1 (IS_PYDANTIC_V2 is False there)
# but imports one sentinel from pydantic 2's core unconditionally. Nothing else is used.
class _Undefined:
    def __repr__(self):
        return "PydanticUndefined"


PydanticUndefined = _Undefined()
