"""Fact sheets + narratives → one document (HTML, PDF, Markdown): «Отчёт целиком»."""
