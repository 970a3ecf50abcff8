"""Importers of a gmina's existing news (WordPress exports, RSS and Atom feeds).

Every importer works in three steps, so that a broken source writes nothing:

1. parse and validate the whole source into `common.ImportedArticle`s (no
   database access, no network);
2. load the images those articles need (from a local uploads folder or through
   the guarded `ratusz.lib.http.fetch`) and check them with Pillow;
3. write everything inside one `transaction.atomic()` (`common.write_articles`).
"""
