"""Writing a VBA project (``vbaProject.bin``) from module text, on any system, in plain Python.

* :mod:`.compression`: MS-OVBA 2.4.1, how the ``dir`` stream and module source are stored;
* :mod:`.cfb`: a small MS-CFB (compound file) writer, the container;
* :mod:`.project`: the project's streams (MS-OVBA 2.3) and :func:`~.project.vba_project_bin`.

A package of its own because it is a file format, like ``salesxl.workbook``'s
package writer: it knows nothing of salesxl, Excel or xlwings (tests hold it to
the standard library), and :mod:`salesxl.addin` decides what the add-in's
project contains.
"""
