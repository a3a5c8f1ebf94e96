declare module "jupyter-matplotlib";
