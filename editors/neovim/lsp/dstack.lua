-- dstack-lsp for Neovim 0.11+ (`vim.lsp.config` / `vim.lsp.enable`), in the
-- format nvim-lspconfig uses for its `lsp/*.lua` files.
--
--   vim.lsp.enable('dstack')
--
-- Override any field with `vim.lsp.config('dstack', { ... })`, e.g. `cmd` for a
-- binary that is not on PATH or `settings` (see the README for the keys).

---@type vim.lsp.Config
return {
  cmd = { 'dstack-lsp', 'serve' },
  -- Set by ftdetect/dstack.lua; the `yaml.` part keeps YAML syntax and plugins.
  filetypes = { 'yaml.dstack' },
  root_markers = { '.dstack.yml', '.dstack.yaml', '.git' },
  -- The server only needs to know it is YAML; `yaml.dstack` is a Neovim-ism.
  get_language_id = function()
    return 'yaml'
  end,
  -- Sent as workspace/didChangeConfiguration and used to answer workspace/configuration.
  settings = {
    dstack = {
      offers = { enabled = true },
      live = { enabled = false },
      log = { level = 'info' },
    },
  },
  on_attach = function(client, bufnr)
    require('dstack_lsp').buffer_commands(client, bufnr)
  end,
}
