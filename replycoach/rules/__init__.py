"""Rule files: the shared schema (schema.py) and the loader (YAML -> validated specs -> Rules)."""
