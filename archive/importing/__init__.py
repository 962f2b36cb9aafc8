"""Importing articles from files: what the import command and the admin's import page share.

`service.import_files` is the one entry point. The steps, one module each:

- `sources`: files and folders on disk, or uploads, read within the size limit;
- `decoding`: the encoding (byte-order mark, UTF-8, declared charset, Windows-1252) and the
  format (HTML or plain text);
- `extract`: the clean body, headline, byline, source and canonical URL; `dates`: the
  publication date and its precision;
- `linking`: the organisations, people and events the text names;
- `reading`: a file's bytes to its article's parts (decoding, extracting, cleaning), in this
  process or, for a large import, in forked reader processes while `service` writes;
- `service`: duplicates, one transaction per file, and the report (`outcomes`).

Nothing is imported here: `service` loads trafilatura (a sizeable library), which only the
import command and a submitted import page need, not every web worker.
"""
