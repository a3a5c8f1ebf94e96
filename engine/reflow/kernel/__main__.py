"""``python -m reflow.kernel -f conn.json``: launch ipykernel with Reflow's kernel class."""

from __future__ import annotations


def main() -> None:
    """Start IPKernelApp with :class:`ReflowKernel` (the jupyter_client kernelspec calls this)."""
    from ipykernel.kernelapp import IPKernelApp

    from reflow.kernel.kernel import ReflowKernel

    IPKernelApp.launch_instance(kernel_class=ReflowKernel)


if __name__ == "__main__":
    main()
