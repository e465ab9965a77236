interface LayerJson {
  class_name?: string;
  className?: string;
  config?: Record<string, unknown>;
}

/** The settings worth a glance in a layer's config. */
const SHOWN = ['units', 'filters', 'kernel_size', 'pool_size', 'strides', 'activation', 'rate', 'batch_input_shape', 'target_shape'];

/** The layers of a Sequential or functional topology, as `model.summary()` lists them (without shapes). */
export function layersOf(model: Record<string, unknown>): { name: string; type: string; settings: string }[] {
  const top = (model.modelTopology ?? model) as { config?: { layers?: LayerJson[] } | LayerJson[] };
  const config = top.config;
  const layers = (Array.isArray(config) ? config : (config?.layers ?? [])) as LayerJson[];
  return layers.map((layer, i) => {
    const c = layer.config ?? {};
    return {
      name: String(c.name ?? `layer_${i}`),
      type: String(layer.class_name ?? layer.className ?? '?'),
      settings: SHOWN.filter((k) => c[k] !== undefined && c[k] !== null)
        .map((k) => `${k}=${JSON.stringify(c[k])}`)
        .join(', '),
    };
  });
}
