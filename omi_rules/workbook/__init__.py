"""Excel workbooks: the data-collection template a ruleset's cases are recorded in
(``template``), and ``score``'s and ``impact``'s results as workbooks (``results``,
``impact``). Every cell is written through ``cells``: text never becomes a formula, and exact
scores become numbers only as they are written.

The package sits above ``lifecycle`` (it renders impact's result) and uses the handbook's
words for the template's guide. What the template's reader needs of its layout is in
``casedata.workbook``, at the bottom, so that reading a workbook does not depend on writing one.
"""
