declare module "jupyter-matplotlib";
declare module "anywidget"; // an AMD module without types (see anywidget.ts)
