# SPDX-License-Identifier: GPL-2.0-only
#
# Sphinx configuration of the mvgpu documentation ("make htmldocs"). The
# kernel-doc extension and script come from Debian's linux-source package,
# extracted by "make kscripts" into build/kscripts; the Makefile passes
# that folder in the environment.

import os
import sys

kscripts = os.environ.get("MVGPU_KSCRIPTS")
if not kscripts:
    raise RuntimeError("MVGPU_KSCRIPTS is not set: build with 'make htmldocs'")
sys.path.insert(0, os.path.join(kscripts, "Documentation", "sphinx"))

project = "mvgpu"
copyright = "The mvgpu authors"
extensions = ["kerneldoc"]
kerneldoc_bin = os.path.join(kscripts, "scripts", "kernel-doc")
kerneldoc_srctree = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
master_doc = "index"
exclude_patterns = []
html_theme = "alabaster"
primary_domain = "c"
highlight_language = "none"
