"""A package whose submodules an allow-list admits (mypkg.*:*)."""
