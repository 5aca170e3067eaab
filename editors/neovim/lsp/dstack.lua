---@brief
---
--- https://github.com/dstack-lsp/dstack-lsp
---
--- Language server for [dstack](https://dstack.ai) configuration files
--- (`*.dstack.yml`, `*.dstack.yaml`, `.dstack.yml`, `.dstack.yaml`): diagnostics
--- in dstack's own words, completion, hover and the cloud offers a run would get.
---
--- `dstack-lsp` can be installed from PyPI:
---
--- ```sh
--- uv tool install dstack-lsp  # or: pipx install dstack-lsp, pip install dstack-lsp
--- ```
---
--- or with `:MasonInstall dstack-lsp`.
---
--- dstack files are plain `yaml` to Neovim; the server attaches only to buffers
--- whose name is a dstack configuration, so other YAML files are left alone.
--- Settings (all optional):
---
--- ```lua
--- vim.lsp.config('dstack', {
---   settings = {
---     dstack = {
---       catalog = { path = vim.fn.expand('~/dstack-catalog') },
---       live = { enabled = true }, -- offers from the dstack server in ~/.dstack/config.yml
---     },
---   },
--- })
--- ```

local function is_dstack_file(name)
  local base = vim.fs.basename(name)
  return base:match('%.dstack%.ya?ml$') ~= nil
end

---@type vim.lsp.Config
return {
  cmd = { 'dstack-lsp', 'serve' },
  -- `yaml.dstack` is what this repository's ftdetect sets; plain `yaml` is Neovim's default.
  filetypes = { 'yaml', 'yaml.dstack' },
  root_markers = { '.dstack.yml', '.dstack.yaml', '.git' },
  -- Like gh_actions_ls: a root only for dstack files keeps the server off other YAML.
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    if is_dstack_file(name) then
      on_dir(vim.fs.root(bufnr, { '.dstack.yml', '.dstack.yaml', '.git' }) or vim.fs.dirname(name))
    end
  end,
  get_language_id = function()
    return 'yaml'
  end,
  settings = {
    dstack = {
      offers = { enabled = true },
      live = { enabled = false },
      log = { level = 'info' },
    },
  },
}
