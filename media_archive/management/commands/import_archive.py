from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from media_archive.importing import files_from_folder, files_from_zip, import_archive


class Command(BaseCommand):
    help = "Import archive images: a metadata sheet (XLSX/CSV) and a folder or ZIP of files."

    def add_arguments(self, parser):
        parser.add_argument("sheet")
        parser.add_argument("files", help="folder or .zip with the image files")

    def handle(self, sheet, files, **options):
        sheet_path, files_path = Path(sheet), Path(files)
        if not sheet_path.is_file():
            raise CommandError(f"No such sheet: {sheet_path}")
        if files_path.suffix.lower() == ".zip":
            source = files_from_zip(files_path.read_bytes())
        elif files_path.is_dir():
            source = files_from_folder(files_path)
        else:
            raise CommandError(f"Neither a folder nor a ZIP file: {files_path}")
        report = import_archive(
            sheet=sheet_path.read_bytes(), sheet_name=sheet_path.name, files=source
        )
        self.stdout.write(f"{report.created} created, {report.updated} updated")
        for row, reason in report.rejected:
            self.stdout.write(f"row {row}: {reason}")
