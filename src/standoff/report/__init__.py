"""Views of results: tables (text, Markdown, CSV, HTML) and JSON."""
