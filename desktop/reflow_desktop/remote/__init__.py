"""Kernels that run elsewhere: the place value (``place.py``) and the provisioners that launch there.

``ssh*.py``: an SSH host (the notebook's environment rebuilt there with uv, channels tunnelled over
one ControlMaster connection); ``gateway*.py``: a Jupyter Server / Kernel Gateway. Registered with
jupyter_client through the ``jupyter_client.kernel_provisioners`` entry point (pyproject.toml).
"""
