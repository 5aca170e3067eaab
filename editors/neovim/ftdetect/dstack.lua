-- dstack configuration files get the compound filetype `yaml.dstack`: YAML
-- syntax, indent and plugins still apply, and the dstack server attaches.
if vim.fn.has('nvim-0.8') == 1 then
  vim.filetype.add({
    filename = { ['.dstack.yml'] = 'yaml.dstack', ['.dstack.yaml'] = 'yaml.dstack' },
    pattern = { ['.*%.dstack%.ya?ml'] = 'yaml.dstack' },
  })
  -- Tree-sitter highlighting looks parsers up by filetype; use the YAML one.
  if vim.treesitter and vim.treesitter.language and vim.treesitter.language.register then
    vim.treesitter.language.register('yaml', 'yaml.dstack')
  end
else
  -- Neovim 0.7 still detects filetypes with Vim script autocommands; these run
  -- after the built-in `*.yml` rule, so `set` (not `setfiletype`) is needed.
  vim.cmd([[
    augroup dstack_ftdetect
      autocmd!
      autocmd BufRead,BufNewFile *.dstack.yml,*.dstack.yaml,.dstack.yml,.dstack.yaml set filetype=yaml.dstack
    augroup END
  ]])
end
