"""Data layer: the data contract's readers, input checks, bundled public data and reference figures.

- :mod:`analysis.data.readers`: read an input table with every column as text;
- :mod:`analysis.data.parsing`: parse cells to numbers, whole numbers, 0/1 flags and dates;
- :mod:`analysis.data.specs`: the columns to read from each table;
- :mod:`analysis.data.checks`: check a table, and the offences against the people, against the contract;
- :mod:`analysis.data.loading`: read and validate a run's data (``load_data``) and hand them to the kernels;
- :mod:`analysis.data.dictionary`: the contract's role tables and rule messages as Markdown;
- :mod:`analysis.data.public`: the bundled public research data sets;
- :mod:`analysis.data.reference`: the published figures the package is calibrated to.
"""
