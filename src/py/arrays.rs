//! numpy ⇄ core array conversion shared by the binding files.
