"""xxgk workbook: reproducible government information-disclosure annual reports."""
