"""The demo gmina that `make run` shows: `manage.py load_demo`.

Gmina Zawada Górna is fictitious; its texts follow what small Polish gminas
really publish, so editors and residents trying Ratusz recognise their own
news. Nothing here is imported by the application itself.
"""
