import { useState } from 'react';
import { setToken } from '../api/http';

/** Asks for a token when the server answers 401: it is kept in this browser's localStorage and sent as a bearer header. */
export function TokenPrompt() {
  const [value, setValue] = useState('');
  return (
    <form
      className="token-prompt"
      onSubmit={(e) => {
        e.preventDefault();
        setToken(value.trim() || null);
        window.location.reload();
      }}
    >
      <label>
        This server needs a token{' '}
        <input type="password" value={value} placeholder="cairn server token create …" onChange={(e) => setValue(e.target.value)} />
      </label>
      <button type="submit">Use token</button>
    </form>
  );
}
