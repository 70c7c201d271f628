"""One router per resource family; ``api.main`` mounts them under ``/v1``."""
